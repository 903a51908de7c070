import { describe, expect, it } from 'vitest';
import { judge, type ProcessSample } from '../../../tools/soak/process-sampler.js';

const series = (rss: number[], fds: number[]): ProcessSample[] =>
  rss.map((rssMb, i) => ({ tS: i * 5, rssMb, peakRssMb: Math.max(...rss), openFds: fds[i] ?? 0 }));

describe('soak verdict (growth after warm-up)', () => {
  it('passes a flat series with noise, comparing first- and last-quarter medians', () => {
    const v = judge(
      series([200, 204, 199, 201, 203, 200, 198, 202], [30, 30, 31, 30, 30, 30, 31, 30]),
      0.05,
    );
    expect(v.rssMb.baseline).toBe(202);
    expect(v.rssMb.final).toBe(200);
    expect(v.passed).toBe(true);
  });

  it('fails when RSS grows by more than 5 %', () => {
    const v = judge(series([200, 200, 205, 210, 215, 220, 225, 230], Array(8).fill(30)), 0.05);
    expect(v.rssMb.growth).toBeCloseTo(0.1375, 3);
    expect(v.passed).toBe(false);
  });

  it('fails when open handles leak', () => {
    const v = judge(series(Array(8).fill(200), [30, 30, 31, 32, 33, 34, 35, 36]), 0.05);
    expect(v.openFds.growth).toBeGreaterThan(0.05);
    expect(v.passed).toBe(false);
  });

  it('refuses to judge fewer than 4 samples', () => {
    expect(() => judge(series([1, 2, 3], [1, 1, 1]), 0.05)).toThrow(/at least 4/);
  });
});
