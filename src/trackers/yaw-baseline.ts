// A per-student resting yaw: the median of recent yaw readings taken while the student was not
// turning and faced the camera within an absolute cap. Students sit turned 10-15° towards one side
// (the camera is at the front, the teacher or the board is not), so "turned" must be measured from
// their own resting pose, not from 0°. Leaving turns out of the samples keeps the median from
// following the turns themselves; the cap keeps it from learning a pose that is itself turned away
// (a student who keeps facing the window stays turned, however long they do it).
import { TrailingPercentile } from './open-eye-baseline.js';

/** At most one sample per this many ms: a 60 s window holds at most 600 readings at any fps. */
const SAMPLE_EVERY_MS = 100;
/** Samples (about a second) before the median is trusted; until then the resting yaw is 0°. */
const MIN_SAMPLES = 10;

export interface YawBaselineOptions {
  /** Trailing window of the median, ms. */
  windowMs: number;
  /** Readings with |yaw| beyond this never enter the median (and it never lies beyond it). */
  maxDeg: number;
}

export class YawBaseline {
  private readonly median: TrailingPercentile;

  constructor(private readonly options: YawBaselineOptions) {
    this.median = new TrailingPercentile({
      windowMs: options.windowMs,
      share: 0.5,
      minSamples: MIN_SAMPLES,
    });
  }

  /** A reading taken while the student was not turning; ignored beyond the absolute cap. */
  add(tMs: number, yawDeg: number): void {
    if (Math.abs(yawDeg) > this.options.maxDeg) return;
    const last = this.median.lastMs;
    if (last !== undefined && tMs - last < SAMPLE_EVERY_MS) return;
    this.median.add(tMs, yawDeg);
  }

  /** Resting yaw in degrees: 0 (facing the camera) until enough readings have been seen. */
  get valueDeg(): number {
    return this.median.value ?? 0;
  }
}
