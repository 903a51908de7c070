// Applies the ladder's fpsScale without touching capture, by frame time: a frame passes when at
// least `offered interval / fpsScale` has gone by since the last one that passed (less half an
// offered interval, so a frame a little early for its slot is not held back for a whole one).
// Gating by count instead (3 of every 4 frames taken) compounds with the newest-frame-wins slot: a
// pipeline already slower than the reduced rate takes fewer frames than offered, and a count gate
// then dropped a quarter of those too — 30 faces at 15 fps fell from 11.6 to under 8 frames/s.
import { FrameGrid } from '../capture/frame-grid.js';

export class FrameGate {
  /** Slots of the reduced rate (reset at full rate: the next reduced frame passes). */
  private readonly grid = new FrameGrid();
  private skippedCount = 0;

  /** Frames held back by the gate since start. */
  get skipped(): number {
    return this.skippedCount;
  }

  /**
   * Should the frame at `tMs` be processed at this fpsScale (0 < fpsScale ≤ 1), on a source that
   * offers a frame every `offeredIntervalMs`?
   */
  admit(tMs: number, fpsScale: number, offeredIntervalMs: number): boolean {
    if (fpsScale >= 1) {
      this.grid.reset();
      return true;
    }
    if (this.grid.pass(tMs, offeredIntervalMs / fpsScale, offeredIntervalMs / 2)) return true;
    this.skippedCount++;
    return false;
  }
}
