// 100 stop/start commands on a running Daemon (the demo clip through OpenCV, frames only counted):
// the long-lived shutdown signal must not collect an abort listener per stop, and no handle or
// timer may be left behind by a closed session.
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { FrameProcessor } from '../../../src/pipeline/perception.js';
import { tempDir } from '../publish/support.js';
import { DEMO_CLIP, nullSink, until } from './support.js';

const CYCLES = 100;

/**
 * Active handles and requests by kind (Timeout, PipeWrap, …): the least count of each over a few
 * samples, so a timer that merely happens to be pending (the test's own polling, the runner's)
 * does not count; a leaked one is there every time.
 */
async function resources(): Promise<Record<string, number>> {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < 5; i++) {
    const counts: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
    samples.push(counts);
    await sleep(10);
  }
  const kinds = new Set(samples.flatMap((counts) => Object.keys(counts)));
  // A kind absent from any sample is not held: leave it out rather than list it as 0.
  return Object.fromEntries(
    [...kinds]
      .map((kind) => [kind, Math.min(...samples.map((counts) => counts[kind] ?? 0))] as const)
      .filter(([, least]) => least > 0),
  );
}

describe('Daemon stop/start', () => {
  const state = tempDir('cycles');
  afterAll(() => state.remove());

  it(`leaves no listener or handle behind after ${CYCLES} stop/start cycles`, async () => {
    const { config } = loadConfig({
      file: '/dev/null',
      env: {
        CLASSPULSE_CAMERA_SOURCE: DEMO_CLIP,
        CLASSPULSE_CAMERA_ON_END: 'loop',
        CLASSPULSE_DEVICE_STATE_DIR: state.dir,
      },
    });
    const daemon = new Daemon({
      config,
      logger: silentLogger(),
      sink: nullSink,
      paced: false,
      budget: false,
    });
    const shutdown = new AbortController();
    const running = daemon.run(shutdown.signal);

    const stop = async () => {
      daemon.stopCapture();
      await until('capture stopped', () => daemon.captureStats().state === 'stopped');
      // Let the loop leave the closed session and settle into its wait for a start.
      await sleep(20);
    };
    const start = async () => {
      const before = daemon.stats.processed;
      daemon.startCapture();
      await until('frames after start', () => daemon.stats.processed > before);
    };

    await until('first frames', () => daemon.stats.processed > 0);
    await stop();
    await start();
    await stop();
    const listeners = getEventListeners(shutdown.signal, 'abort').length;
    const handles = await resources();
    for (let i = 0; i < CYCLES; i++) {
      await start();
      await stop();
    }
    expect(getEventListeners(shutdown.signal, 'abort').length).toBe(listeners);
    expect(await resources()).toEqual(handles);

    shutdown.abort(new Error('test over'));
    expect(await running).toBe('signal');
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });

  it('keeps frame time running across stop/start and reports every student afresh after', async () => {
    const { config } = loadConfig({
      file: '/dev/null',
      env: {
        CLASSPULSE_CAMERA_SOURCE: DEMO_CLIP,
        CLASSPULSE_CAMERA_ON_END: 'loop',
        CLASSPULSE_DEVICE_STATE_DIR: state.dir,
      },
    });
    const frameTimes: number[] = [];
    let resumed = 0;
    const processor: FrameProcessor = {
      async process(frame) {
        frameTimes.push(frame.tMs);
        return { events: [], faces: 0, timingsMs: {} };
      },
      boxes: () => [],
      reset: () => undefined,
      adapt: () => undefined,
      resume: () => {
        resumed += 1;
      },
    };
    const daemon = new Daemon({
      config,
      logger: silentLogger(),
      sink: nullSink,
      processor,
      paced: false,
      budget: false,
    });
    const shutdown = new AbortController();
    const running = daemon.run(shutdown.signal);
    for (let cycle = 0; cycle < 3; cycle++) {
      const before = frameTimes.length;
      await until('frames', () => frameTimes.length > before + 5);
      daemon.stopCapture();
      await until('capture stopped', () => daemon.captureStats().state === 'stopped');
      daemon.startCapture();
    }
    await until('frames after the last start', () => resumed === 3 && frameTimes.length > 0);
    shutdown.abort(new Error('test over'));
    await running;
    expect(resumed).toBe(3);
    // Each new source starts its own clock at 0; the daemon's frame time never goes back.
    for (let i = 1; i < frameTimes.length; i++) {
      expect(frameTimes[i]).toBeGreaterThan(frameTimes[i - 1] ?? 0);
    }
  });
});
