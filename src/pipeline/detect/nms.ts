// Greedy non-maximum suppression over detections in frame pixels. Also merges the detections of
// overlapping tiles, where the same face is seen twice.
import type { Box, Detection } from '../types.js';

/** Area of a box; a box with a negative side counts as empty. */
function area(box: Box): number {
  return Math.max(0, box.w) * Math.max(0, box.h);
}

function intersection(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return ix > 0 && iy > 0 ? ix * iy : 0;
}

/** Intersection over union, 0..1 (0 for empty boxes). One definition for detection and tracking. */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  if (inter === 0) return 0;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of the smaller box covered by the larger: catches a face cut in half by a tile edge. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const smaller = Math.min(area(a), area(b));
  return smaller > 0 ? intersection(a, b) / smaller : 0;
}

/** A face cut by a tile edge is mostly inside the whole face's box: drop it (share of its area). */
export const CONTAINED_SHARE = 0.7;

export interface NmsOptions {
  iouThreshold: number;
  /** Keep at most this many (highest scores first). */
  maxCount?: number;
  /** Also suppress a box mostly inside a better one (share of the smaller box, 0..1). */
  containThreshold?: number;
}

/** Highest score first; a box overlapping an already kept one beyond the thresholds is dropped. */
export function nonMaxSuppression<T extends Detection>(detections: T[], options: NmsOptions): T[] {
  const sorted = [...detections].sort((p, q) => q.score - p.score);
  const kept: T[] = [];
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  for (const candidate of sorted) {
    if (kept.length >= maxCount) break;
    const suppressed = kept.some(
      (k) =>
        iou(k, candidate) > options.iouThreshold ||
        (options.containThreshold !== undefined &&
          overlapOfSmaller(k, candidate) > options.containThreshold),
    );
    if (!suppressed) kept.push(candidate);
  }
  return kept;
}
