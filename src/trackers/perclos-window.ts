// PERCLOS (P80): the share of the recent window during which the eyes were at least 80 % closed,
// weighted by time, because frames arrive irregularly on a loaded Pi.

/** Eyes count as ≥ 80 % closed at or below this share of the open-eye level. */
const P80_SHARE = 0.2;

interface Segment {
  startMs: number;
  endMs: number;
  closed: boolean;
}

export interface PerclosWindowOptions {
  windowS: number;
  /** Intervals between samples longer than this are unknown time, left out of both sums. */
  maxGapMs: number;
}

export class PerclosWindow {
  private readonly windowMs: number;
  private readonly maxGapMs: number;
  private segments: Segment[] = [];
  private last: { tMs: number; closed: boolean } | undefined;

  constructor(options: PerclosWindowOptions) {
    this.windowMs = options.windowS * 1000;
    this.maxGapMs = options.maxGapMs;
  }

  /**
   * One frame. Each sample's state holds until the next sample (sample-and-hold), so a frame's
   * weight is the time it stood for. Without openness or a baseline the time is unknown.
   */
  push(tMs: number, openness: number | undefined, openLevel: number | undefined): void {
    const previous = this.last;
    if (previous && tMs > previous.tMs && tMs - previous.tMs <= this.maxGapMs) {
      this.segments.push({ startMs: previous.tMs, endMs: tMs, closed: previous.closed });
    }
    this.last =
      openness !== undefined && openLevel !== undefined && openLevel > 0
        ? { tMs, closed: openness <= P80_SHARE * openLevel }
        : undefined;
    this.trim(tMs);
  }

  /** Closed share of the measured time in the window, 0..1 (0 before anything was measured). */
  value(tMs: number): number {
    const { closedMs, measuredMs } = this.sums(tMs);
    return measuredMs > 0 ? closedMs / measuredMs : 0;
  }

  /** Time in the window with a known eye state (alerts wait until enough is known). */
  measuredMs(tMs: number): number {
    return this.sums(tMs).measuredMs;
  }

  reset(): void {
    this.segments = [];
  }

  private sums(tMs: number): { closedMs: number; measuredMs: number } {
    const from = tMs - this.windowMs;
    let closedMs = 0;
    let measuredMs = 0;
    for (const segment of this.segments) {
      const length = Math.max(0, Math.min(segment.endMs, tMs) - Math.max(segment.startMs, from));
      measuredMs += length;
      if (segment.closed) closedMs += length;
    }
    return { closedMs, measuredMs };
  }

  private trim(tMs: number): void {
    const from = tMs - this.windowMs;
    while (this.segments.length > 0 && (this.segments[0]?.endMs ?? tMs) <= from) {
      this.segments.shift();
    }
  }
}
