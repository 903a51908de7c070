/**
 * Builds network inputs from an RGB image the way face-api's
 * NetInput.toBatchTensor does: zero-pad to a square (bottom/right for the
 * detectors, centred for face crops, where the end side gets round(diff / 2)),
 * then bilinear-resize to the net's size. Returns both layouts so the same
 * pixels can go to face-api (NHWC) and to the ONNX graphs (NCHW).
 */
import type { Mat } from '../../../src/capture/cv.js';
import { cv } from '../../../src/capture/cv.js';

export interface NetPixels {
  size: number;
  nhwc: Float32Array;
  nchw: Float32Array;
  /** Side of the padded square in source pixels (box scale factor). */
  squarePx: number;
}

export interface CropBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function readRgb(path: string): Mat {
  const bgr = cv.imread(path);
  if (bgr.empty) throw new Error(`cannot read image ${path}`);
  return bgr.cvtColor(cv.COLOR_BGR2RGB);
}

export function netPixels(rgb: Mat, size: number, centred: boolean, crop?: CropBox): NetPixels {
  const region = crop
    ? rgb.getRegion(
        new cv.Rect(Math.round(crop.x), Math.round(crop.y), Math.round(crop.w), Math.round(crop.h)),
      )
    : rgb;
  const side = Math.max(region.rows, region.cols);
  const diffX = side - region.cols;
  const diffY = side - region.rows;
  const after = (d: number): number => (centred ? Math.round(d * 0.5) : d);
  const padded = region.copyMakeBorder(
    diffY - after(diffY),
    after(diffY),
    diffX - after(diffX),
    after(diffX),
    cv.BORDER_CONSTANT,
    new cv.Vec3(0, 0, 0),
  );
  const resized = side === size ? padded : padded.resize(size, size, 0, 0, cv.INTER_LINEAR);
  const bytes = resized.getData();
  const nhwc = Float32Array.from(bytes);
  const plane = size * size;
  const nchw = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) nchw[c * plane + p] = nhwc[p * 3 + c] ?? 0;
  }
  return { size, nhwc, nchw, squarePx: side };
}
