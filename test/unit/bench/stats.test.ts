import { describe, expect, it } from 'vitest';
import { median, quantile, spread, timesFaster } from '../../../src/bench/stats.js';

describe('bench statistics', () => {
  it('median of odd and even counts, NaN for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('quantile interpolates between neighbours', () => {
    expect(quantile([0, 10], 0.9)).toBeCloseTo(9);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('spread reports median, p90, min and count', () => {
    const s = spread([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(s).toEqual({ medianMs: 60, p90Ms: 100, minMs: 10, count: 11 });
  });

  it('timesFaster is slow median over fast median (> 1: the second is faster)', () => {
    expect(timesFaster([40, 40, 40], [10, 20, 10])).toBe(4);
    expect(timesFaster([10], [20])).toBe(0.5);
  });
});
