// A per-person level from a trailing window of readings: a percentile of the recent values, kept
// once enough are in. The open-eye level is a high percentile of recent open-eye values
// (percentiles ignore the few low values of half-closed frames at a blink's edges, and a time
// window lets the level follow slow drift: head pitch, distance-dependent landmark bias) without a
// fixed absolute threshold. The resting yaw (yaw-baseline.ts) is the median of such a window.

/** Percentile of recent open values taken as the open-eye level. */
const OPEN_EYE_PERCENTILE = 0.9;
/** Values needed before the open-eye level is trusted (about half a second at 10 fps). */
const OPEN_EYE_MIN_SAMPLES = 5;

interface Sample {
  tMs: number;
  value: number;
}

export interface TrailingPercentileOptions {
  windowMs: number;
  /** 0..1: 0.5 is the median. */
  share: number;
  /** Values needed before `value` is defined; the window never drops below this many. */
  minSamples: number;
}

export class TrailingPercentile {
  private samples: Sample[] = [];
  private cached: number | undefined;

  constructor(private readonly options: TrailingPercentileOptions) {}

  add(tMs: number, value: number): void {
    this.samples.push({ tMs, value });
    const from = tMs - this.options.windowMs;
    while (this.samples.length > this.options.minSamples && (this.samples[0]?.tMs ?? tMs) < from) {
      this.samples.shift();
    }
    this.cached = undefined;
  }

  /** Starts over from these values (the old level no longer describes this face). */
  replace(samples: readonly Sample[]): void {
    this.samples = samples.map((s) => ({ ...s }));
    this.cached = undefined;
  }

  /** Time of the newest value, if any. */
  get lastMs(): number | undefined {
    return this.samples[this.samples.length - 1]?.tMs;
  }

  get value(): number | undefined {
    if (this.samples.length < this.options.minSamples) return undefined;
    if (this.cached === undefined) {
      this.cached = percentile(
        this.samples.map((s) => s.value),
        this.options.share,
      );
    }
    return this.cached;
  }
}

/** The blink detector's open-eye level: the 90th percentile of the window's open values. */
export class OpenEyeBaseline extends TrailingPercentile {
  constructor(windowMs: number) {
    super({ windowMs, share: OPEN_EYE_PERCENTILE, minSamples: OPEN_EYE_MIN_SAMPLES });
  }
}

/** The value at `share` (0..1) of the sorted values, nearest rank; 0 for none. */
export function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.round(share * (sorted.length - 1))));
  return sorted[index] ?? 0;
}
