// BlazeFace (MediaPipe's 256×256 back-camera model as shipped by @vladmandic/human)
// post-processing: anchors and box decode, as human's blazeface.ts / facemeshutil.generateAnchors.
import type { Detection } from '../types.js';

export interface AnchorPoint {
  xPx: number;
  yPx: number;
}

/** Anchor centres in input pixels: stride 16 with 2 anchors per cell, then stride 32 with 6. */
export function blazefaceAnchors(inputPx: number): AnchorPoint[] {
  const layers = [
    { stride: inputPx / 16, perCell: 2 },
    { stride: inputPx / 8, perCell: 6 },
  ];
  const anchors: AnchorPoint[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.floor((inputPx + stride - 1) / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) {
          anchors.push({ xPx: stride * (gx + 0.5), yPx: stride * (gy + 0.5) });
        }
      }
    }
  }
  return anchors;
}

export interface BlazefaceRaw {
  /** One logit per anchor. */
  logits: Float32Array;
  /** 16 values per anchor: dx, dy, w, h, then 6 keypoints (x, y), all in input pixels. */
  regressors: Float32Array;
}

export interface BlazefaceDetection extends Detection {
  /** 6 keypoints in input pixels: right eye, left eye, nose, mouth, right ear, left ear. */
  keypoints: Array<{ x: number; y: number }>;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Boxes in input pixels for every anchor scoring at least `minScore` (before NMS). */
export function decodeBlazeface(
  raw: BlazefaceRaw,
  anchors: AnchorPoint[],
  minScore: number,
): BlazefaceDetection[] {
  const out: BlazefaceDetection[] = [];
  // Compare logits, not probabilities, so only the survivors pay for exp().
  const minLogit = Math.log(minScore / (1 - minScore));
  for (let i = 0; i < anchors.length; i++) {
    const logit = raw.logits[i] ?? Number.NEGATIVE_INFINITY;
    if (logit < minLogit) continue;
    const anchor = anchors[i];
    if (!anchor) continue;
    const r = i * 16;
    const cx = (raw.regressors[r] ?? 0) + anchor.xPx;
    const cy = (raw.regressors[r + 1] ?? 0) + anchor.yPx;
    const w = raw.regressors[r + 2] ?? 0;
    const h = raw.regressors[r + 3] ?? 0;
    const keypoints: Array<{ x: number; y: number }> = [];
    for (let k = 0; k < 6; k++) {
      keypoints.push({
        x: (raw.regressors[r + 4 + 2 * k] ?? 0) + anchor.xPx,
        y: (raw.regressors[r + 5 + 2 * k] ?? 0) + anchor.yPx,
      });
    }
    out.push({ x: cx - w / 2, y: cy - h / 2, w, h, score: sigmoid(logit), keypoints });
  }
  return out;
}
