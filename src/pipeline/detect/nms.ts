// Greedy non-maximum suppression over detections in frame pixels. Also merges the detections of
// overlapping tiles, where the same face is seen twice.
import type { Box, Detection } from '../types.js';

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.w, b.x + b.w);
  const y1 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of the smaller box covered by the larger: catches a face cut in half by a tile edge. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.w, b.x + b.w);
  const y1 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const smaller = Math.min(a.w * a.h, b.w * b.h);
  return smaller > 0 ? inter / smaller : 0;
}

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
