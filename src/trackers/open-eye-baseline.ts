// A per-person open-eye level: a high percentile of recent open-eye values. Percentiles ignore the
// few low values of half-closed frames at a blink's edges, and a time window lets the level follow
// slow drift (head pitch, distance-dependent landmark bias) without a fixed absolute threshold.

/** Percentile of recent open values taken as the open-eye level. */
const PERCENTILE = 0.9;
/** Values needed before the baseline is trusted (about half a second at 10 fps). */
const MIN_SAMPLES = 5;

interface Sample {
  tMs: number;
  value: number;
}

export class OpenEyeBaseline {
  private samples: Sample[] = [];
  private cached: number | undefined;

  constructor(private readonly windowMs: number) {}

  add(tMs: number, value: number): void {
    this.samples.push({ tMs, value });
    const from = tMs - this.windowMs;
    while (this.samples.length > MIN_SAMPLES && (this.samples[0]?.tMs ?? tMs) < from) {
      this.samples.shift();
    }
    this.cached = undefined;
  }

  /** Starts over from these values (the old level no longer describes this face). */
  replace(samples: readonly Sample[]): void {
    this.samples = samples.map((s) => ({ ...s }));
    this.cached = undefined;
  }

  get value(): number | undefined {
    if (this.samples.length < MIN_SAMPLES) return undefined;
    if (this.cached === undefined) this.cached = percentile(this.samples.map((s) => s.value));
    return this.cached;
  }
}

function percentile(values: readonly number[], share = PERCENTILE): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.round(share * (sorted.length - 1))));
  return sorted[index] ?? 0;
}
