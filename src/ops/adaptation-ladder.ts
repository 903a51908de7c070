// Graceful degradation when the box cannot keep up. The order is fixed and documented
// (docs/operations.md): first expressions run less often (least visible to the teacher), then the
// detector runs less often (tracks still follow faces between detections), and only then — when
// the CPU is throttled, not merely busy — fewer frames are processed (blink timing suffers most).
// Pure and synchronous: one call per processed frame, no clock of its own, so tests drive it with
// simulated frame times.

export interface AdaptationKnobs {
  /** Multiply expression.intervalMs by this. */
  expressionIntervalScale: number;
  /** Multiply detection.intervalFrames by this. */
  detectionIntervalScale: number;
  /** Multiply camera.fps by this (≤ 1). */
  fpsScale: number;
}

export interface AdaptationStep extends AdaptationKnobs {
  name: string;
}

/** Level 0 is full quality; each step keeps the savings of the one before it. */
export const ADAPTATION_STEPS: readonly AdaptationStep[] = [
  { name: 'full', expressionIntervalScale: 1, detectionIntervalScale: 1, fpsScale: 1 },
  { name: 'expression-x2', expressionIntervalScale: 2, detectionIntervalScale: 1, fpsScale: 1 },
  { name: 'expression-x4', expressionIntervalScale: 4, detectionIntervalScale: 1, fpsScale: 1 },
  { name: 'detection-x2', expressionIntervalScale: 4, detectionIntervalScale: 2, fpsScale: 1 },
  { name: 'fps-75pct', expressionIntervalScale: 4, detectionIntervalScale: 2, fpsScale: 0.75 },
  { name: 'fps-50pct', expressionIntervalScale: 4, detectionIntervalScale: 3, fpsScale: 0.5 },
];

/** The last level that keeps every frame: a missed budget degrades no further than this. */
const LAST_QUALITY_LEVEL = ADAPTATION_STEPS.reduce(
  (last, step, level) => (step.fpsScale >= 1 ? level : last),
  0,
);

export type AdaptationReason = 'budget-missed' | 'throttled' | 'headroom';

export interface AdaptationState extends AdaptationKnobs {
  level: number;
  name: string;
  /** Why the level last changed (absent while it never changed). */
  reason?: AdaptationReason;
}

export interface AdaptationLadderOptions {
  /** camera.fps: the frame budget at level 0 is 1000 / fps ms, or longer on a slower source. */
  fps: number;
  /** health.adapt: when false the ladder stays at level 0. */
  enabled: boolean;
  /** Frames in the sliding window a decision looks at. */
  windowFrames?: number;
  /** Share of the window throttled that degrades one level. */
  degradeThrottledShare?: number;
  /** Recover only when every frame of a full window took at most this share of the budget. */
  recoverHeadroom?: number;
  /** Frames to wait after any change before recovering: recovering is the risky direction. */
  recoverHoldFrames?: number;
  /** The hold doubles after each relapse (degrading soon after a recovery) up to this many times. */
  maxHoldDoublings?: number;
}

export interface FrameSample {
  /** Wall time the frame took through the whole pipeline. */
  frameMs: number;
  /**
   * How often the source offers frames (FrameSource.offeredIntervalMs): a camera or file slower
   * than camera.fps leaves each frame more time, so the budget is the longer of the two.
   */
  offeredIntervalMs?: number;
  /** The CPU is throttled or frequency-capped right now (thermal or under-voltage). */
  throttled: boolean;
}

export class AdaptationLadder {
  private readonly fpsBudgetMs: number;
  /** The level-0 budget: the fps budget, or the source's own interval when that is longer. */
  private baseBudgetMs: number;
  private readonly enabled: boolean;
  private readonly windowFrames: number;
  private readonly degradeThrottledShare: number;
  private readonly recoverHeadroom: number;
  private readonly baseHoldFrames: number;
  private readonly maxHoldFrames: number;
  private holdFrames: number;
  /** Ring of the last window's frame times, as a share of the budget of the current level. */
  private readonly loads: Float64Array;
  private readonly throttledFlags: Uint8Array;
  private filled = 0;
  private next = 0;
  private sinceChange = 0;
  private levelIndex = 0;
  private lastReason: AdaptationReason | undefined;

  constructor(options: AdaptationLadderOptions) {
    if (!(options.fps > 0)) throw new Error(`adaptation: fps must be positive, got ${options.fps}`);
    this.fpsBudgetMs = 1000 / options.fps;
    this.baseBudgetMs = this.fpsBudgetMs;
    this.enabled = options.enabled;
    this.windowFrames = options.windowFrames ?? 20;
    this.degradeThrottledShare = options.degradeThrottledShare ?? 0.5;
    this.recoverHeadroom = options.recoverHeadroom ?? 0.6;
    this.baseHoldFrames = options.recoverHoldFrames ?? 3 * this.windowFrames;
    this.maxHoldFrames = this.baseHoldFrames * 2 ** (options.maxHoldDoublings ?? 4);
    this.holdFrames = this.baseHoldFrames;
    this.loads = new Float64Array(this.windowFrames);
    this.throttledFlags = new Uint8Array(this.windowFrames);
  }

  /** The budget of a level: fewer frames per second leave more time per frame. */
  budgetMs(level = this.levelIndex): number {
    const step = ADAPTATION_STEPS[level] ?? ADAPTATION_STEPS[0];
    return this.baseBudgetMs / (step?.fpsScale ?? 1);
  }

  get level(): number {
    return this.levelIndex;
  }

  state(): AdaptationState {
    const step = ADAPTATION_STEPS[this.levelIndex] ?? (ADAPTATION_STEPS[0] as AdaptationStep);
    return {
      level: this.levelIndex,
      ...step,
      ...(this.lastReason ? { reason: this.lastReason } : {}),
    };
  }

  /** Feed one processed frame; returns true when the level changed. */
  observe(sample: FrameSample): boolean {
    if (!this.enabled) return false;
    this.baseBudgetMs = Math.max(this.fpsBudgetMs, sample.offeredIntervalMs ?? 0);
    this.loads[this.next] = sample.frameMs / this.budgetMs();
    this.throttledFlags[this.next] = sample.throttled ? 1 : 0;
    this.next = (this.next + 1) % this.windowFrames;
    this.filled = Math.min(this.filled + 1, this.windowFrames);
    this.sinceChange++;
    // Decide only on a full window gathered entirely at the current level.
    if (this.filled < this.windowFrames || this.sinceChange < this.windowFrames) return false;

    // Headroom is judged against the budget of the level we would return to (more frames per
    // second leave less time per frame); a tenth of the window may be outliers (GC, a slow read).
    const recoverLoad =
      this.levelIndex > 0
        ? (this.recoverHeadroom * this.budgetMs(this.levelIndex - 1)) / this.budgetMs()
        : 0;
    let totalLoad = 0;
    let throttled = 0;
    let busy = 0;
    for (let i = 0; i < this.windowFrames; i++) {
      const load = this.loads[i] ?? 0;
      totalLoad += load;
      if (this.throttledFlags[i]) throttled++;
      if (load > recoverLoad) busy++;
    }
    const top = ADAPTATION_STEPS.length - 1;
    // The budget is missed when frames take longer than the interval on average: then the level
    // cannot keep its rate. Counting frames over budget instead sent a pipeline whose frames take
    // about the budget (some more, some less: a detection, an expression run) a level too far.
    // A missed budget lowers quality, never the frame rate: a pipeline slower than the camera
    // already takes only the newest frame when it is free, so holding frames back as well would
    // only process fewer (30 faces here: 11.6 frames/s unaided, 7.5 at fps-50pct). Fewer frames
    // are for heat: the fps steps are taken only when the CPU is throttled.
    if (totalLoad > this.windowFrames && this.levelIndex < LAST_QUALITY_LEVEL) {
      return this.change(this.levelIndex + 1, 'budget-missed');
    }
    if (
      throttled >= this.degradeThrottledShare * this.windowFrames &&
      this.levelIndex < top &&
      // Heat builds and leaves slowly: give each step time to cool the CPU before the next.
      this.sinceChange >= this.baseHoldFrames
    ) {
      return this.change(this.levelIndex + 1, 'throttled');
    }
    if (
      this.levelIndex > 0 &&
      throttled === 0 &&
      this.sinceChange >= this.holdFrames &&
      busy <= 0.1 * this.windowFrames
    ) {
      return this.change(this.levelIndex - 1, 'headroom');
    }
    return false;
  }

  /** Frames the ladder now waits at a level before trying to recover from it. */
  get recoverHoldFrames(): number {
    return this.holdFrames;
  }

  private change(level: number, reason: AdaptationReason): boolean {
    if (reason !== 'headroom' && this.lastReason === 'headroom') {
      // A relapse right after recovering means the lower level does not fit: wait longer next
      // time instead of flapping; a degrade long after the recovery starts the hold afresh.
      this.holdFrames =
        this.sinceChange < 2 * this.holdFrames
          ? Math.min(this.holdFrames * 2, this.maxHoldFrames)
          : this.baseHoldFrames;
    }
    this.levelIndex = level;
    this.lastReason = reason;
    this.sinceChange = 0;
    return true;
  }
}
