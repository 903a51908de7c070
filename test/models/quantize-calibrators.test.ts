import { describe, expect, it } from 'vitest';
import { rangeFor } from '../../tools/models/quantize/calibrators.js';
import { activationParams } from '../../tools/models/quantize/qdq-insert.js';
import { clampLogits } from '../../tools/models/quantize/select-settings.js';

/** 1000 values spread evenly over [0, 10) plus one outlier at 100, as a 1000-bin histogram. */
function withOutlier() {
  const histogram = new Float64Array(1000);
  for (let i = 0; i < 1000; i++)
    histogram[Math.floor((i / 100) * 10)] = (histogram[Math.floor((i / 100) * 10)] ?? 0) + 1;
  histogram[999] = (histogram[999] ?? 0) + 1;
  return { min: 0, max: 100, histogram };
}

describe('calibration ranges', () => {
  it('min-max keeps the outlier', () => {
    expect(rangeFor(withOutlier(), { method: 'minmax' })).toEqual({ low: 0, high: 100 });
  });

  it('percentile clips a one-in-a-thousand outlier and keeps the bulk', () => {
    const range = rangeFor(withOutlier(), { method: 'percentile', percentile: 99.9 });
    expect(range.low).toBe(0);
    expect(range.high).toBeGreaterThanOrEqual(10);
    expect(range.high).toBeLessThan(11);
  });

  it('entropy clips the outlier too', () => {
    const range = rangeFor(withOutlier(), { method: 'entropy' });
    expect(range.high).toBeLessThan(50);
    expect(range.high).toBeGreaterThanOrEqual(9);
  });
});

describe('activation parameters', () => {
  it('represent 0 exactly and map a ReLU range to the lowest code', () => {
    expect(activationParams({ low: 0, high: 6 }, 'uint8')).toEqual({
      scale: Math.fround(6 / 255),
      zeroPoint: 0,
    });
    expect(activationParams({ low: 0, high: 6 }, 'int8').zeroPoint).toBe(-128);
  });

  it('widen a range that excludes 0', () => {
    const p = activationParams({ low: 2, high: 4 }, 'uint8');
    expect(p.zeroPoint).toBe(0);
    expect(p.scale).toBeCloseTo(4 / 255, 6);
  });

  it('put the zero point where 0 falls in a signed range', () => {
    const p = activationParams({ low: -1, high: 3 }, 'uint8');
    expect(p.zeroPoint).toBe(Math.round(255 / 4));
  });
});

describe('the output view used to choose settings', () => {
  const view = clampLogits(/^logits$/, /^faceflag$/);

  it('compares logits clamped to ±8 and leaves other outputs alone', () => {
    expect(Array.from(view('logits', Float32Array.from([-9000, 3, 20])))).toEqual([-8, 3, 8]);
    expect(Array.from(view('mesh', Float32Array.from([-9000, 3])))).toEqual([-9000, 3]);
  });

  it('compares probabilities as clamped logits, so saturated face flags agree', () => {
    const [half, sure, surer, none] = view(
      'faceflag',
      Float32Array.from([0.5, 0.9999, 0.99999, 0]),
    );
    expect(half).toBeCloseTo(0, 5);
    // 0.9999 and 0.99999 differ by rounding noise; as raw values over a spread of ~1e-5 they
    // looked like a large error, as logits both clamp to 8.
    expect(sure).toBe(8);
    expect(surer).toBe(8);
    expect(none).toBe(-8);
  });
});
