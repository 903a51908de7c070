// Post-processing for the face-api detectors as converted to ONNX (ssd-mobilenetv1 and
// tiny-face-detector): the graphs already apply the box coder, so what is left is face-api's
// clamp-and-scale of normalised [ymin, xmin, ymax, xmax] boxes plus the score threshold.
import type { Detection } from '../types.js';

export interface NormalisedBoxes {
  /** 4 values per anchor: ymin, xmin, ymax, xmax in 0..1 of the square input. */
  boxes: Float32Array;
  /** Face probability per anchor. */
  scores: Float32Array;
}

/** Clip a normalised [ymin, xmin, ymax, xmax] box to [0, 1] and scale it to `sidePx`. */
export function normalisedToPixels(
  b: { ymin: number; xmin: number; ymax: number; xmax: number },
  sidePx: number,
  score: number,
): Detection {
  const x0 = Math.max(0, Math.min(1, b.xmin)) * sidePx;
  const y0 = Math.max(0, Math.min(1, b.ymin)) * sidePx;
  const x1 = Math.max(0, Math.min(1, b.xmax)) * sidePx;
  const y1 = Math.max(0, Math.min(1, b.ymax)) * sidePx;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score };
}

/** Detections scoring at least `minScore`, in pixels of the `sidePx` square the input showed. */
export function decodeNormalisedBoxes(
  raw: NormalisedBoxes,
  sidePx: number,
  minScore: number,
): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i < raw.scores.length; i++) {
    const score = raw.scores[i] ?? 0;
    if (score < minScore) continue;
    const box = {
      ymin: raw.boxes[i * 4] ?? 0,
      xmin: raw.boxes[i * 4 + 1] ?? 0,
      ymax: raw.boxes[i * 4 + 2] ?? 0,
      xmax: raw.boxes[i * 4 + 3] ?? 0,
    };
    out.push(normalisedToPixels(box, sidePx, score));
  }
  return out;
}
