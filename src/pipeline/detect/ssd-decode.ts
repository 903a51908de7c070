// SSD MobileNetV1 (face-api) post-processing: the TF Object Detection API box coder with scale
// factors (10, 10, 5, 5), as face-api's ssdMobilenetv1/outputLayer.ts. Anchors and boxes are
// [ymin, xmin, ymax, xmax] normalised to the 512×512 input.
import type { Detection } from '../types.js';

export interface SsdRaw {
  /** 4 regression values per anchor: ty, tx, th, tw. */
  regressions: Float32Array;
  /** Face probability per anchor (after sigmoid). */
  scores: Float32Array;
}

/** Decoded box per anchor, normalised [ymin, xmin, ymax, xmax]. */
export function decodeSsdBox(regressions: Float32Array, anchors: Float32Array, i: number) {
  const ay0 = anchors[i * 4] ?? 0;
  const ax0 = anchors[i * 4 + 1] ?? 0;
  const ay1 = anchors[i * 4 + 2] ?? 0;
  const ax1 = anchors[i * 4 + 3] ?? 0;
  const ah = ay1 - ay0;
  const aw = ax1 - ax0;
  const cy = ((regressions[i * 4] ?? 0) / 10) * ah + ay0 + ah / 2;
  const cx = ((regressions[i * 4 + 1] ?? 0) / 10) * aw + ax0 + aw / 2;
  const halfH = (Math.exp((regressions[i * 4 + 2] ?? 0) / 5) * ah) / 2;
  const halfW = (Math.exp((regressions[i * 4 + 3] ?? 0) / 5) * aw) / 2;
  return { ymin: cy - halfH, xmin: cx - halfW, ymax: cy + halfH, xmax: cx + halfW };
}

/**
 * Detections for anchors scoring at least `minScore`, in input pixels of a `inputPx` square, clipped
 * to it (face-api clips the same way).
 */
export function decodeSsd(
  raw: SsdRaw,
  anchors: Float32Array,
  inputPx: number,
  minScore: number,
): Detection[] {
  const out: Detection[] = [];
  const count = raw.scores.length;
  for (let i = 0; i < count; i++) {
    const score = raw.scores[i] ?? 0;
    if (score < minScore) continue;
    const b = decodeSsdBox(raw.regressions, anchors, i);
    out.push(normalisedToPixels(b, inputPx, score));
  }
  return out;
}

/** Clip a normalised [ymin, xmin, ymax, xmax] box to [0, 1] and scale it to input pixels. */
export function normalisedToPixels(
  b: { ymin: number; xmin: number; ymax: number; xmax: number },
  inputPx: number,
  score: number,
): Detection {
  const x0 = Math.max(0, Math.min(1, b.xmin)) * inputPx;
  const y0 = Math.max(0, Math.min(1, b.ymin)) * inputPx;
  const x1 = Math.max(0, Math.min(1, b.xmax)) * inputPx;
  const y1 = Math.max(0, Math.min(1, b.ymax)) * inputPx;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0, score };
}
