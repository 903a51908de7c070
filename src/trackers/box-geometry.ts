// Box arithmetic for association: overlap, centres and constant-velocity prediction.
import type { Box } from '../pipeline/types.js';

// Overlap is defined once, beside non-maximum suppression; trackers use the same numbers.
export { iou, overlapOfSmaller } from '../pipeline/detect/nms.js';

/** Centre velocity in pixels per millisecond. */
export interface Velocity {
  vxPxPerMs: number;
  vyPxPerMs: number;
}

export const ZERO_VELOCITY: Velocity = { vxPxPerMs: 0, vyPxPerMs: 0 };

function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}

/** The box moved by `velocity` for `dtMs`; size is kept (faces change size slowly). */
export function predict(box: Box, velocity: Velocity, dtMs: number): Box {
  return {
    x: box.x + velocity.vxPxPerMs * dtMs,
    y: box.y + velocity.vyPxPerMs * dtMs,
    w: box.w,
    h: box.h,
  };
}

/** Centre displacement divided by the box size: 1 means the face moved by its own width. */
export function relativeShift(from: Box, to: Box): number {
  const a = centre(from);
  const b = centre(to);
  const size = Math.max(1, Math.max(from.w, from.h));
  return Math.hypot(b.x - a.x, b.y - a.y) / size;
}

/**
 * Blends a new velocity measurement into the previous estimate. Smoothing keeps one noisy box from
 * throwing the prediction off while still following a student who walks.
 */
export function blendVelocity(
  previous: Velocity,
  from: Box,
  to: Box,
  dtMs: number,
  weightNew: number,
): Velocity {
  if (dtMs <= 0) return previous;
  const a = centre(from);
  const b = centre(to);
  const measured = { vxPxPerMs: (b.x - a.x) / dtMs, vyPxPerMs: (b.y - a.y) / dtMs };
  return {
    vxPxPerMs: previous.vxPxPerMs + weightNew * (measured.vxPxPerMs - previous.vxPxPerMs),
    vyPxPerMs: previous.vyPxPerMs + weightNew * (measured.vyPxPerMs - previous.vyPxPerMs),
  };
}

export function roundBox(box: Box): Box {
  return { x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.w), h: Math.round(box.h) };
}
