/**
 * Reference post-processing for the two face-api detectors as built here (both
 * output `boxes` [batch, anchors, 4] as ymin, xmin, ymax, xmax in 0..1 of the padded
 * square input, and `scores` [batch, anchors]). It follows face-api: keep scores above the
 * threshold, greedy NMS on the unclamped boxes, then clamp to the square. The
 * run-time pipeline (src/pipeline/detect) must do the equivalent; the parity
 * test uses this to compare detections with face-api's own.
 *
 * Thresholds face-api uses by default: SSD minConfidence 0.5, IoU 0.5, at most
 * 100 faces; tiny detector scoreThreshold 0.5, IoU 0.4.
 */

/** A box in 0..1 of the padded square input (multiply by the square's side for pixels). */
export interface SquareDetection {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface DecodeOptions {
  minScore: number;
  iouThreshold: number;
  maxResults?: number;
}

interface Corners {
  y0: number;
  x0: number;
  y1: number;
  x1: number;
}

function corners(boxes: Float32Array, i: number): Corners {
  const a = boxes[i * 4] ?? 0;
  const b = boxes[i * 4 + 1] ?? 0;
  const c = boxes[i * 4 + 2] ?? 0;
  const d = boxes[i * 4 + 3] ?? 0;
  return { y0: Math.min(a, c), x0: Math.min(b, d), y1: Math.max(a, c), x1: Math.max(b, d) };
}

export function cornerIou(p: Corners, q: Corners): number {
  const areaP = (p.y1 - p.y0) * (p.x1 - p.x0);
  const areaQ = (q.y1 - q.y0) * (q.x1 - q.x0);
  if (areaP <= 0 || areaQ <= 0) return 0;
  const h = Math.max(Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0), 0);
  const w = Math.max(Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0), 0);
  const inter = h * w;
  return inter / (areaP + areaQ - inter);
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

export function decodeDetections(
  boxes: Float32Array,
  scores: Float32Array,
  options: DecodeOptions,
): SquareDetection[] {
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] ?? 0) > options.minScore) candidates.push(i);
  }
  candidates.sort((p, q) => (scores[q] ?? 0) - (scores[p] ?? 0));
  const kept: Corners[] = [];
  const out: SquareDetection[] = [];
  const max = options.maxResults ?? Number.POSITIVE_INFINITY;
  for (const i of candidates) {
    if (out.length >= max) break;
    const box = corners(boxes, i);
    if (kept.some((k) => cornerIou(k, box) > options.iouThreshold)) continue;
    kept.push(box);
    const x0 = clamp01(box.x0);
    const y0 = clamp01(box.y0);
    out.push({
      x: x0,
      y: y0,
      w: clamp01(box.x1) - x0,
      h: clamp01(box.y1) - y0,
      score: scores[i] ?? 0,
    });
  }
  return out;
}

/** IoU of two x/y/w/h boxes in the same units. */
export function boxIou(p: SquareDetection, q: SquareDetection): number {
  return cornerIou(
    { y0: p.y, x0: p.x, y1: p.y + p.h, x1: p.x + p.w },
    { y0: q.y, x0: q.x, y1: q.y + q.h, x1: q.x + q.w },
  );
}
