import { describe, expect, it } from 'vitest';
import { InputBuffers } from '../../../src/pipeline/inference/input-buffers.js';

describe('InputBuffers', () => {
  it('hands out a new zeroed array when none of that size came back', () => {
    const buffers = new InputBuffers();
    const a = buffers.take(8);
    expect(a).toHaveLength(8);
    expect(Array.from(a)).toEqual(new Array(8).fill(0));
  });

  it('hands a returned buffer to the next take of the same size, and only of that size', () => {
    const buffers = new InputBuffers();
    const given = new Float32Array([1, 2, 3, 4]).buffer;
    buffers.give(given);
    expect(buffers.take(3).buffer).not.toBe(given);
    const again = buffers.take(4);
    expect(again.buffer).toBe(given);
    expect(Array.from(again)).toEqual([1, 2, 3, 4]);
    // Taken once: the next take of that size is new memory.
    expect(buffers.take(4).buffer).not.toBe(given);
  });

  it('keeps a bounded number per size and ignores detached buffers', () => {
    const buffers = new InputBuffers();
    const given = Array.from({ length: 40 }, () => new ArrayBuffer(16));
    for (const b of given) buffers.give(b);
    const detached = new ArrayBuffer(16);
    structuredClone(detached, { transfer: [detached] });
    buffers.give(detached);
    const reused = Array.from({ length: 40 }, () => buffers.take(4).buffer).filter((b) =>
      given.includes(b as ArrayBuffer),
    );
    expect(reused.length).toBeGreaterThan(0);
    expect(reused.length).toBeLessThan(40);
    expect(new Set(reused).size).toBe(reused.length);
  });
});
