import { describe, expect, it } from 'vitest';
import { faceBatches, splitEvenly, startInTurn } from '../../../src/pipeline/inference/batches.js';

describe('splitEvenly', () => {
  it('keeps order and spreads items over near-equal consecutive batches', () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const parts = splitEvenly(items, 4);
    expect(parts.map((p) => p.length)).toEqual([8, 8, 7, 7]);
    expect(parts.flat()).toEqual(items);
  });

  it('never makes more batches than items, nor an empty one', () => {
    expect(splitEvenly([1, 2], 5)).toEqual([[1], [2]]);
    expect(splitEvenly([], 3)).toEqual([]);
    expect(splitEvenly([1, 2, 3], 1)).toEqual([[1, 2, 3]]);
    expect(splitEvenly([1, 2, 3], 0)).toEqual([[1, 2, 3]]);
  });
});

describe('faceBatches and startInTurn', () => {
  it('makes one batch per worker at least and none over the batch cap', () => {
    const faces = Array.from({ length: 30 }, (_, i) => i);
    expect(faceBatches(faces, 2, 8).map((b) => b.length)).toEqual([8, 8, 7, 7]);
    expect(faceBatches(faces.slice(0, 5), 2, 8).map((b) => b.length)).toEqual([3, 2]);
    expect(faceBatches(faces.slice(0, 1), 3, 8)).toEqual([[0]]);
  });

  it('starts items in order with the event loop running between starts', async () => {
    const log: string[] = [];
    const timer = setInterval(() => log.push('loop'), 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.length = 0;
    const results = await startInTurn([1, 2, 3], async (n) => {
      log.push(`start ${n}`);
      const busyUntil = performance.now() + 3;
      while (performance.now() < busyUntil) {
        // a batch's synchronous crop cutting
      }
      return n * 10;
    });
    clearInterval(timer);
    expect(results).toEqual([10, 20, 30]);
    const starts = log.filter((l) => l.startsWith('start'));
    expect(starts).toEqual(['start 1', 'start 2', 'start 3']);
    // Timers ran between the starts, not only after all of them.
    expect(log.indexOf('loop', log.indexOf('start 1'))).toBeLessThan(log.indexOf('start 3'));
  });
});
