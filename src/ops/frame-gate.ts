// Applies the ladder's fpsScale without touching capture: frames arrive at camera.fps and the
// gate lets through the share the current level allows, evenly spread (3 of 4 at 75 %), like
// Bresenham's line: each frame earns fpsScale of a credit and a whole credit buys one frame.
export class FrameGate {
  private credit = 1;
  private skippedCount = 0;

  /** Frames held back by the gate since start. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** Should the next frame be processed at this fpsScale (0 < fpsScale ≤ 1)? */
  admit(fpsScale: number): boolean {
    if (fpsScale >= 1) {
      this.credit = 1;
      return true;
    }
    // A whole credit buys this frame; credit stays below 1 + fpsScale, so never a burst.
    const admitted = this.credit + 1e-9 >= 1;
    if (admitted) this.credit -= 1;
    else this.skippedCount++;
    this.credit += fpsScale;
    return admitted;
  }
}
