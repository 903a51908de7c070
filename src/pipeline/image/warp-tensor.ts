// Crop-and-resize of a BGR frame into a model input: one warpAffine per crop (the crop geometry is
// the affine map), then HWC/BGR/uint8 → NCHW/RGB/float32 with the model's normalisation.
import { cv, type Mat } from '../../capture/cv.js';
import { type Affine, affineRows, composeAffine } from '../geometry/affine.js';
import type { Box } from '../types.js';

/** value = pixel · scale + offset, per channel (RGB order). */
export interface Normalisation {
  scale: number;
  offset: number;
}

export const RAW_0_255: Normalisation = { scale: 1, offset: 0 };
export const UNIT_0_1: Normalisation = { scale: 1 / 255, offset: 0 };
export const SIGNED_1: Normalisation = { scale: 1 / 127.5, offset: -1 };

/**
 * Cuts crops into model inputs. One per pipeline part (landmarker, detector, describer): it keeps,
 * per crop size, one byte buffer with an OpenCV header over it, and each crop is copied into that
 * (copyTo into a Mat of the same size and type writes in place) instead of read out with
 * getData(), which made a new Buffer per crop: ~3.6 MB a 30-face frame, counted by V8 against the
 * main thread's heap (docs/performance.md). The buffer is read before the next crop is cut.
 */
export class CropWriter {
  private readonly scratch = new Map<string, { bytes: Uint8Array; mat: Mat }>();

  /**
   * Warp `image` by `frameToInput` (frame pixels to input pixels) and write it at batch slot
   * `slot` of `target`. With `region`, the crop sees only that part of the frame (whole pixels
   * inside it) and black around it, as face-api's slice-then-pad crops do.
   */
  warpInto(
    image: Mat,
    frameToInput: Affine,
    sizePx: number,
    target: Float32Array,
    slot: number,
    norm: Normalisation,
    region?: Box,
  ): void {
    if (!region) {
      this.writeNchw(warpCrop(image, frameToInput, sizePx, sizePx), target, slot, norm);
      return;
    }
    const part = image.getRegion(new cv.Rect(region.x, region.y, region.w, region.h));
    const fromPart = { a: 1, b: 0, c: 0, d: 1, tx: region.x, ty: region.y };
    try {
      const crop = warpCrop(part, composeAffine(frameToInput, fromPart), sizePx, sizePx);
      this.writeNchw(crop, target, slot, norm);
    } finally {
      part.release();
    }
  }

  /**
   * Write a BGR 8-bit crop as RGB planes into `target` at batch slot `slot` (NCHW), then free the
   * crop (now rather than whenever V8 collects its small wrapper: it does not see OpenCV's memory).
   * The target is shared across a batch so faces go to the model in one call.
   */
  private writeNchw(crop: Mat, target: Float32Array, slot: number, norm: Normalisation): void {
    const data = this.bytesOf(crop);
    const plane = crop.rows * crop.cols;
    crop.release();
    const base = slot * 3 * plane;
    const { scale, offset } = norm;
    for (let p = 0; p < plane; p++) {
      const b = data[p * 3] ?? 0;
      const g = data[p * 3 + 1] ?? 0;
      const r = data[p * 3 + 2] ?? 0;
      target[base + p] = r * scale + offset;
      target[base + plane + p] = g * scale + offset;
      target[base + 2 * plane + p] = b * scale + offset;
    }
  }

  /** The crop's bytes, copied into this size's buffer (valid until the next crop of that size). */
  private bytesOf(crop: Mat): Uint8Array {
    const key = `${crop.rows}x${crop.cols}:${crop.type}`;
    let held = this.scratch.get(key);
    if (!held) {
      const bytes = Buffer.alloc(crop.rows * crop.cols * crop.channels);
      held = { bytes, mat: new cv.Mat(crop.rows, crop.cols, crop.type, bytes) };
      this.scratch.set(key, held);
    }
    crop.copyTo(held.mat);
    return held.bytes;
  }
}

/** Warp `image` by `frameToInput` into a `widthPx`×`heightPx` BGR Mat (black outside the frame). */
function warpCrop(image: Mat, frameToInput: Affine, widthPx: number, heightPx: number): Mat {
  const m = new cv.Mat(affineRows(frameToInput), cv.CV_64F);
  try {
    return image.warpAffine(
      m,
      new cv.Size(widthPx, heightPx),
      cv.INTER_LINEAR,
      cv.BORDER_CONSTANT,
      new cv.Vec3(0, 0, 0),
    );
  } finally {
    m.release();
  }
}
