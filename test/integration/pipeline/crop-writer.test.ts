// CropWriter against OpenCV read back the plain way (getData): the same floats for every crop,
// on a real photo, at the model sizes the pipeline uses, with crops of one size cut in a row
// (they share one byte buffer) and a region-limited crop.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import { type Affine, affineRows } from '../../../src/pipeline/geometry/affine.js';
import {
  CropWriter,
  type Normalisation,
  SIGNED_1,
  UNIT_0_1,
} from '../../../src/pipeline/image/warp-tensor.js';
import { SAMPLES_DIR } from './helpers.js';

/** The crop as getData() gives it, in NCHW RGB floats. */
function reference(image: Mat, m: Affine, sizePx: number, norm: Normalisation): Float32Array {
  const rows = new cv.Mat(affineRows(m), cv.CV_64F);
  const crop = image.warpAffine(
    rows,
    new cv.Size(sizePx, sizePx),
    cv.INTER_LINEAR,
    cv.BORDER_CONSTANT,
    new cv.Vec3(0, 0, 0),
  );
  const data = crop.getData();
  const plane = sizePx * sizePx;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (const [c, k] of [2, 1, 0].entries()) {
      out[c * plane + p] = (data[p * 3 + k] ?? 0) * norm.scale + norm.offset;
    }
  }
  return out;
}

/** Elements that differ (a count keeps a failure's report short). */
function differing(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('CropWriter', () => {
  const image = cv.imread(join(SAMPLES_DIR, 'sample1.jpg'));
  const maps: Affine[] = [
    { a: 0.9, b: 0.12, c: -0.12, d: 0.9, tx: -40, ty: -25 },
    { a: 1.7, b: -0.3, c: 0.3, d: 1.7, tx: -300, ty: -120 },
    { a: 0.5, b: 0, c: 0, d: 0.5, tx: 10, ty: 5 },
  ];

  it('writes each crop of a batch as OpenCV gives it, crops of one size in a row', () => {
    const writer = new CropWriter();
    for (const [sizePx, norm] of [
      [192, UNIT_0_1],
      [64, UNIT_0_1],
      [128, SIGNED_1],
    ] as const) {
      const plane = 3 * sizePx * sizePx;
      const batch = new Float32Array(maps.length * plane);
      maps.forEach((m, slot) => {
        writer.warpInto(image, m, sizePx, batch, slot, norm);
      });
      maps.forEach((m, slot) => {
        const got = batch.subarray(slot * plane, (slot + 1) * plane);
        expect(differing(got, reference(image, m, sizePx, norm))).toBe(0);
      });
    }
  });

  it('sees only the region in a region-limited crop', () => {
    const writer = new CropWriter();
    const region = { x: 100, y: 60, w: 120, h: 140 };
    const m: Affine = { a: 1, b: 0, c: 0, d: 1, tx: -80, ty: -40 };
    const out = new Float32Array(3 * 160 * 160);
    writer.warpInto(image, m, 160, out, 0, UNIT_0_1, region);
    const part = image.getRegion(new cv.Rect(region.x, region.y, region.w, region.h));
    const inside = reference(
      part,
      { ...m, tx: m.tx + region.x, ty: m.ty + region.y },
      160,
      UNIT_0_1,
    );
    expect(differing(out, inside)).toBe(0);
    // Input pixel (20, 20) is frame pixel (100, 60), the region's corner: black above and left.
    expect(out[19 * 160 + 19]).toBe(0);
    expect(out[25 * 160 + 25]).toBeGreaterThan(0);
  });
});
