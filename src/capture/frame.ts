import type { Mat } from '@u4/opencv4nodejs';

/**
 * One captured image. The coordinate convention for the whole product: pixels of the full frame,
 * origin at the top-left corner, x to the right, y downwards; boxes are { x, y, w, h } with (x, y)
 * their top-left corner. "Left"/"right" of a student are the student's own (the camera sees them
 * mirrored).
 */
export interface Frame {
  /** Increases by one per frame delivered by the source (skipped frames leave gaps). */
  readonly seq: number;
  /** ms since the source started: media time for files, monotonic time for live cameras. */
  readonly tMs: number;
  readonly width: number;
  readonly height: number;
  /** 8-bit BGR, 3 channels. Read-only after capture. */
  readonly image: Mat;
}

/** Camera state as reported on the status topic. */
export type CameraState = 'opening' | 'open' | 'lost' | 'stopped' | 'ended';
