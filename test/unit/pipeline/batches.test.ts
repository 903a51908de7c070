import { describe, expect, it } from 'vitest';
import { splitEvenly } from '../../../src/pipeline/inference/batches.js';

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
