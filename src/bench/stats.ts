// Small order statistics for the bench: the machine is shared and noisy, so medians, not means.

export interface Spread {
  medianMs: number;
  p90Ms: number;
  minMs: number;
  count: number;
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (at - lo);
}

export function spread(values: readonly number[]): Spread {
  return {
    medianMs: round(median(values)),
    p90Ms: round(quantile(values, 0.9)),
    minMs: round(values.length === 0 ? Number.NaN : Math.min(...values)),
    count: values.length,
  };
}

/** Two decimals: enough for milliseconds and ratios, and keeps the JSON readable. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** `slow ÷ fast` of two medians ("times faster", > 1 is better for `fast`). */
export function timesFaster(slowMs: readonly number[], fastMs: readonly number[]): number {
  return round(median(slowMs) / median(fastMs));
}
