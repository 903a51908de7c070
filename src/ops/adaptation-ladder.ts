// Graceful degradation when the box cannot keep up. The order is fixed and documented
// (docs/operations.md): first expressions run less often (least visible to the teacher), then the
// detector runs less often (tracks still follow faces between detections), and only then fewer
// frames are processed (blink timing suffers most). Pure and synchronous: one call per processed
// frame, no clock of its own, so tests drive it with simulated frame times.

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

export type AdaptationReason = 'budget-missed' | 'throttled' | 'headroom';

export interface AdaptationState extends AdaptationKnobs {
  level: number;
  name: string;
  /** Why the level last changed (absent while it never changed). */
  reason?: AdaptationReason;
}

export interface AdaptationLadderOptions {
  /** camera.fps: the frame budget at level 0 is 1000 / fps ms. */
  fps: number;
  /** health.adapt: when false the ladder stays at level 0. */
  enabled: boolean;
  /** Frames in the sliding window a decision looks at. */
  windowFrames?: number;
  /** Share of the window over budget (or throttled) that degrades one level. */
  degradeMissShare?: number;
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
  /** The CPU is throttled or frequency-capped right now (thermal or under-voltage). */
  throttled: boolean;
}

export class AdaptationLadder {
  private readonly baseBudgetMs: number;
  private readonly enabled: boolean;
  private readonly windowFrames: number;
  private readonly degradeMissShare: number;
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
    this.baseBudgetMs = 1000 / options.fps;
    this.enabled = options.enabled;
    this.windowFrames = options.windowFrames ?? 20;
    this.degradeMissShare = options.degradeMissShare ?? 0.5;
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
    let misses = 0;
    let throttled = 0;
    let busy = 0;
    for (let i = 0; i < this.windowFrames; i++) {
      const load = this.loads[i] ?? 0;
      if (load > 1) misses++;
      if (this.throttledFlags[i]) throttled++;
      if (load > recoverLoad) busy++;
    }
    const top = ADAPTATION_STEPS.length - 1;
    if (misses >= this.degradeMissShare * this.windowFrames && this.levelIndex < top) {
      return this.change(this.levelIndex + 1, 'budget-missed');
    }
    if (
      throttled >= this.degradeMissShare * this.windowFrames &&
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
