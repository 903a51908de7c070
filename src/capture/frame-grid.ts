// Spaces frames by their own time on a grid of slots one interval apart: a frame passes when it is
// at most `toleranceMs` early for the next slot, and the next slot is one interval on. Staying on
// the grid keeps a slightly late frame from shifting every later slot; starting from a late
// frame's own time when that is further on means a gap never lets a burst through. The source's
// fps budget (FrameSource) and the adaptation's frame-rate steps (FrameGate) both use it.
export class FrameGrid {
  /** Frame time from which the next frame passes. */
  private nextDueMs: number;

  /**
   * `firstDueMs`: the first slot. −∞ (the default) puts the second slot one interval after the
   * first frame, whenever that comes.
   */
  constructor(private readonly firstDueMs = Number.NEGATIVE_INFINITY) {
    this.nextDueMs = firstDueMs;
  }

  /** Back to the first slot, as new. */
  reset(): void {
    this.nextDueMs = this.firstDueMs;
  }

  /** Does the frame at `tMs` pass on a grid `intervalMs` apart? */
  pass(tMs: number, intervalMs: number, toleranceMs: number): boolean {
    if (tMs + toleranceMs < this.nextDueMs) return false;
    this.nextDueMs =
      this.nextDueMs === Number.NEGATIVE_INFINITY
        ? tMs + intervalMs
        : Math.max(this.nextDueMs + intervalMs, tMs + intervalMs / 2);
    return true;
  }
}
