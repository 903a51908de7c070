// The journal-backed queue: seq continuity across reopen, lane priority, the bound (oldest state
// first, never alerts), torn and corrupt records, and compaction.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue, type Lane } from '../../../src/publish/disk-queue.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];

/** fsyncMs 1000: the tests reopen after close(), which syncs; per-write fsync is tested once. */
function openQueue(
  dir?: string,
  maxMessages = 1000,
  fsyncMs = 1000,
): { queue: DiskQueue; dir: string } {
  const where = dir ?? mkdtempSync(join(tmpdir(), 'classpulse-queue-'));
  if (!dir) dirs.push(where);
  const queue = new DiskQueue({ dir: where, maxMessages, fsyncMs, logger });
  queue.open();
  return { queue, dir: where };
}

const push = (queue: DiskQueue, lane: Lane, text = 'x') =>
  queue.push(lane, (seq) => ({
    topic: `t/${lane}`,
    payload: JSON.stringify({ seq, text }),
    retain: false,
  }));

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DiskQueue', () => {
  it('numbers messages 1, 2, 3 … and keeps unsent ones and the seq across a reopen', () => {
    const { queue, dir } = openQueue();
    expect(
      [push(queue, 'state'), push(queue, 'state'), push(queue, 'alert')].map((m) => m.seq),
    ).toEqual([1, 2, 3]);
    const first = queue.takeNext();
    expect(first?.seq).toBe(3); // alerts before state
    queue.ack(3);
    queue.close();
    const again = openQueue(dir).queue;
    expect(again.depth).toBe(2);
    expect(again.takeNext()?.payload).toBe(JSON.stringify({ seq: 1, text: 'x' }));
    expect(push(again, 'state').seq).toBe(4);
    again.close();
  });

  it('sends control, then alerts, then state, each in seq order; a release keeps the order', () => {
    const { queue } = openQueue();
    push(queue, 'state');
    push(queue, 'alert');
    push(queue, 'control');
    push(queue, 'state');
    push(queue, 'alert');
    const order = [1, 2, 3, 4, 5].map(() => queue.takeNext()?.seq);
    expect(order).toEqual([3, 2, 5, 1, 4]);
    queue.release(2);
    queue.release(1);
    expect(queue.takeNext()?.seq).toBe(2);
    expect(queue.takeNext()?.seq).toBe(1);
    expect(queue.takeNext()).toBeUndefined();
    queue.close();
  });

  it('at the bound drops the oldest state messages, never alerts, and counts them', () => {
    const { queue, dir } = openQueue(undefined, 100);
    for (let i = 0; i < 60; i++) push(queue, 'alert');
    for (let i = 0; i < 60; i++) push(queue, 'state');
    expect(queue.depth).toBe(100);
    expect(queue.stats().droppedState).toBe(20);
    const sent: number[] = [];
    for (let m = queue.takeNext(); m; m = queue.takeNext()) sent.push(m.seq);
    expect(sent.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // The 20 oldest state messages (61..80) are gone; 81..120 remain.
    expect(sent.slice(60)).toEqual(Array.from({ length: 40 }, (_, i) => i + 81));
    queue.close();
    expect(openQueue(dir, 100).queue.depth).toBe(100);
  });

  it('keeps alerts beyond the bound rather than drop one', () => {
    const { queue } = openQueue(undefined, 100);
    for (let i = 0; i < 120; i++) push(queue, 'alert');
    expect(queue.depth).toBe(120);
    expect(queue.stats().droppedState).toBe(0);
    queue.close();
  });

  it('cuts a torn last record and skips a corrupt one', () => {
    const { queue, dir } = openQueue();
    push(queue, 'state', 'a');
    push(queue, 'state', 'b');
    queue.close();
    const file = join(dir, 'queue.journal');
    const lines = readFileSync(file, 'utf8').split('\n');
    // Corrupt the first record, then simulate a crash in the middle of the next append.
    const broken = [`${(lines[0] ?? '').slice(0, 10)}#garbage`, ...lines.slice(1)].join('\n');
    writeFileSync(file, `${broken}{"op":"put","seq":3,"lane":"sta`);
    const reopened = openQueue(dir).queue;
    expect(reopened.stats().corrupt).toBe(1);
    expect(reopened.depth).toBe(1);
    expect(reopened.takeNext()?.payload).toContain('"text":"b"');
    expect(push(reopened, 'alert').seq).toBe(3);
    reopened.close();
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    const last = openQueue(dir).queue;
    expect(last.depth).toBe(2);
    expect(last.stats().corrupt).toBe(1);
    last.close();
  });

  it('compacts acknowledged records away and still remembers the last seq', () => {
    const { queue, dir } = openQueue();
    for (let i = 0; i < 3000; i++) {
      const m = push(queue, 'state', 'y'.repeat(50));
      queue.takeNext();
      queue.ack(m.seq);
    }
    queue.close();
    const size = statSync(join(dir, 'queue.journal')).size;
    // 3000 puts + 3000 acks would be ~600 KB; compaction keeps it to the last batch.
    expect(size).toBeLessThan(250_000);
    const reopened = openQueue(dir).queue;
    expect(reopened.depth).toBe(0);
    expect(push(reopened, 'state').seq).toBe(3001);
    reopened.close();
  });
});

describe('DiskQueue lock', () => {
  it('refuses a second open of the same directory and takes over a dead owner’s lock', () => {
    const { queue, dir } = openQueue();
    expect(() => openQueue(dir)).toThrow(/in use by process \d+/);
    queue.close();
    // A lock left by a process that no longer exists (pid far above any live one here).
    writeFileSync(join(dir, 'queue.lock'), '4194303\n');
    const again = openQueue(dir).queue;
    expect(readFileSync(join(dir, 'queue.lock'), 'utf8').trim()).toBe(String(process.pid));
    again.close();
  });
});
