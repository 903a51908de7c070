// Rolling frame counters and per-stage latency percentiles for the stats line and health topic.
// Fixed-size sample windows: cheap, bounded, no allocation per frame beyond the numbers.

export interface LatencySummary {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  samples: number;
}

class LatencyWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  constructor(size: number) {
    this.samples = new Float64Array(size);
  }

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  summary(): LatencySummary {
    if (this.count === 0) return { p50Ms: 0, p95Ms: 0, maxMs: 0, samples: 0 };
    const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      p50Ms: round(at(0.5)),
      p95Ms: round(at(0.95)),
      maxMs: round(sorted[sorted.length - 1] ?? 0),
      samples: this.count,
    };
  }
}

/** Told of every processed frame's stage timings (ms), e.g. a Prometheus latency histogram. */
export interface FrameObserver {
  frame(timingsMs: Readonly<Record<string, number>>): void;
}

export class FrameStats {
  private readonly stages = new Map<string, LatencyWindow>();
  private processedTotal = 0;
  private processedSinceMark = 0;
  private markMs = performance.now();
  lastFaces = 0;
  /** Frames dropped because an inference worker died under them (the worker was replaced). */
  workerDropped = 0;
  /** performance.now() of the last processed frame (watchdog progress). */
  lastProgressMs = 0;
  /** performance.now() of the first processed frame. */
  private firstProgressMs: number | undefined;
  /** Settles when the first frame is recorded (systemd readiness). */
  readonly firstFrame: Promise<void>;
  private markFirst: (() => void) | undefined;

  private readonly windowSize: number;
  private readonly observer: FrameObserver | undefined;

  constructor(options: { windowSize?: number; observer?: FrameObserver | undefined } = {}) {
    this.windowSize = options.windowSize ?? 256;
    this.observer = options.observer;
    this.firstFrame = new Promise((resolve) => {
      this.markFirst = resolve;
    });
  }

  /** Record one processed frame with its per-stage timings (ms), including 'total'. */
  record(timingsMs: Record<string, number>, faces: number): void {
    this.markFirst?.();
    this.markFirst = undefined;
    this.processedTotal++;
    this.processedSinceMark++;
    this.lastFaces = faces;
    this.lastProgressMs = performance.now();
    this.firstProgressMs ??= this.lastProgressMs;
    for (const [stage, ms] of Object.entries(timingsMs)) {
      let window = this.stages.get(stage);
      if (!window) {
        window = new LatencyWindow(this.windowSize);
        this.stages.set(stage, window);
      }
      window.add(ms);
    }
    this.observer?.frame(timingsMs);
  }

  get processed(): number {
    return this.processedTotal;
  }

  /** Processed fps since the previous call (resets the interval). */
  takeRate(): number {
    const now = performance.now();
    const elapsedS = (now - this.markMs) / 1000;
    const rate = elapsedS > 0 ? this.processedSinceMark / elapsedS : 0;
    this.markMs = now;
    this.processedSinceMark = 0;
    return Math.round(rate * 10) / 10;
  }

  /**
   * Processed fps over the whole run, first frame to last: the final stats line's figure, where
   * the interval since the previous line may hold only the last frame or two.
   */
  runRate(): number {
    const spanS = (this.lastProgressMs - (this.firstProgressMs ?? this.lastProgressMs)) / 1000;
    return spanS > 0 ? Math.round(((this.processedTotal - 1) / spanS) * 10) / 10 : 0;
  }

  latency(): Record<string, LatencySummary> {
    return Object.fromEntries([...this.stages].map(([stage, w]) => [stage, w.summary()]));
  }
}
