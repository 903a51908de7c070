// The comparisons behind the parity tables: box matching, landmark shift in inter-ocular
// distances, cosine similarity, top-1 agreement. Pure functions over plain arrays.
import { iou } from '../../../src/pipeline/detect/nms.js';
import type { Box } from '../../../src/pipeline/types.js';

export interface BoxMatch {
  /** IoU of each fp32 box with its int8 partner (greedy, best first); 0 when unmatched. */
  ious: number[];
  unmatchedInt8: number;
}

export function matchBoxes(reference: Box[], candidate: Box[]): BoxMatch {
  const free = new Set(candidate.map((_, i) => i));
  const ious = reference.map((box) => {
    let best = -1;
    let bestIou = 0;
    for (const i of free) {
      const overlap = iou(box, candidate[i] as Box);
      if (overlap > bestIou) {
        bestIou = overlap;
        best = i;
      }
    }
    if (best >= 0) free.delete(best);
    return bestIou;
  });
  return { ious, unmatchedInt8: free.size };
}

/** Outer eye corners (MediaPipe 33 and 263): the 300-W inter-ocular distance. */
const OUTER_EYE_CORNERS = { right: 33, left: 263 };

export function interOcularPx(points: Float32Array): number {
  const r = OUTER_EYE_CORNERS.right * 3;
  const l = OUTER_EYE_CORNERS.left * 3;
  return Math.hypot(
    (points[r] ?? 0) - (points[l] ?? 0),
    (points[r + 1] ?? 0) - (points[l + 1] ?? 0),
  );
}

/** Mean 2-D distance between the chosen points, in inter-ocular distances of the reference. */
export function landmarkShift(
  reference: Float32Array,
  candidate: Float32Array,
  indices: number[],
): number {
  let total = 0;
  for (const i of indices) {
    total += Math.hypot(
      (reference[i * 3] ?? 0) - (candidate[i * 3] ?? 0),
      (reference[i * 3 + 1] ?? 0) - (candidate[i * 3 + 1] ?? 0),
    );
  }
  return total / indices.length / interOcularPx(reference);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

export { mean } from '../../../src/bench/stats.js';
