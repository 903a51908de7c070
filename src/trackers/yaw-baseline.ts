// A per-student resting yaw: the median of recent yaw readings taken while the student was not
// turning and faced the camera within an absolute cap. Students sit turned 10-15° towards one side
// (the camera is at the front, the teacher or the board is not), so "turned" must be measured from
// their own resting pose, not from 0°. Leaving turns out of the samples keeps the median from
// following the turns themselves; the cap keeps it from learning a pose that is itself turned away
// (a student who keeps facing the window stays turned, however long they do it).
import { percentile } from './open-eye-baseline.js';

/** At most one sample per this many ms: a 60 s window holds at most 600 readings at any fps. */
const SAMPLE_EVERY_MS = 100;
/** Samples (about a second) before the median is trusted; until then the resting yaw is 0°. */
const MIN_SAMPLES = 10;

interface Sample {
  tMs: number;
  yawDeg: number;
}

export interface YawBaselineOptions {
  /** Trailing window of the median, ms. */
  windowMs: number;
  /** Readings with |yaw| beyond this never enter the median (and it never lies beyond it). */
  maxDeg: number;
}

export class YawBaseline {
  private readonly samples: Sample[] = [];
  private cached: number | undefined;

  constructor(private readonly options: YawBaselineOptions) {}

  /** A reading taken while the student was not turning; ignored beyond the absolute cap. */
  add(tMs: number, yawDeg: number): void {
    if (Math.abs(yawDeg) > this.options.maxDeg) return;
    const last = this.samples[this.samples.length - 1];
    if (last && tMs - last.tMs < SAMPLE_EVERY_MS) return;
    this.samples.push({ tMs, yawDeg });
    const from = tMs - this.options.windowMs;
    while (this.samples.length > MIN_SAMPLES && (this.samples[0]?.tMs ?? tMs) < from) {
      this.samples.shift();
    }
    this.cached = undefined;
  }

  /** Resting yaw in degrees: 0 (facing the camera) until enough readings have been seen. */
  get valueDeg(): number {
    if (this.samples.length < MIN_SAMPLES) return 0;
    if (this.cached === undefined) {
      this.cached = percentile(
        this.samples.map((s) => s.yawDeg),
        0.5,
      );
    }
    return this.cached;
  }

  /** Whether the median is in use (enough readings), rather than the 0° prior. */
  get learned(): boolean {
    return this.samples.length >= MIN_SAMPLES;
  }

  reset(): void {
    this.samples.length = 0;
    this.cached = undefined;
  }
}
