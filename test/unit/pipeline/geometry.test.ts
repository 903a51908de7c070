import { describe, expect, it } from 'vitest';
import {
  applyAffine,
  composeAffine,
  invertAffine,
  mapPointsXyz,
} from '../../../src/pipeline/geometry/affine.js';
import {
  boxOfPoints,
  regionFromBox,
  regionFromLandmarks,
  regionToCrop,
} from '../../../src/pipeline/geometry/face-region.js';

/** A synthetic 468-point "face": an ellipse of points plus two eye corners at 33 and 263. */
function syntheticFace(cx: number, cy: number, halfW: number, angleRad: number): Float32Array {
  const xyz = new Float32Array(468 * 3);
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  const put = (i: number, u: number, v: number) => {
    xyz[i * 3] = cx + cos * u - sin * v;
    xyz[i * 3 + 1] = cy + sin * u + cos * v;
  };
  for (let i = 0; i < 468; i++) {
    const t = (2 * Math.PI * i) / 468;
    put(i, halfW * Math.cos(t), 1.25 * halfW * Math.sin(t));
  }
  put(33, -0.5 * halfW, -0.3 * halfW);
  put(263, 0.5 * halfW, -0.3 * halfW);
  return xyz;
}

describe('affine maps', () => {
  it('inverse undoes the map and composition applies inner first', () => {
    const m = { a: 2, b: 0.5, c: -0.3, d: 1.5, tx: 10, ty: -4 };
    const p = { x: 3, y: 7 };
    const back = applyAffine(invertAffine(m), applyAffine(m, p));
    expect(back.x).toBeCloseTo(3, 9);
    expect(back.y).toBeCloseTo(7, 9);
    const shift = { a: 1, b: 0, c: 0, d: 1, tx: 5, ty: 6 };
    const both = applyAffine(composeAffine(shift, m), p);
    const manual = applyAffine(m, p);
    expect(both.x).toBeCloseTo(manual.x + 5, 9);
    expect(both.y).toBeCloseTo(manual.y + 6, 9);
  });

  it('scales z with the map so depth keeps the unit of x and y', () => {
    const xyz = new Float32Array([1, 2, 3]);
    mapPointsXyz({ a: 2, b: 0, c: 0, d: 2, tx: 1, ty: 1 }, xyz);
    expect(Array.from(xyz)).toEqual([3, 5, 6]);
  });

  it('refuses a singular map', () => {
    expect(() => invertAffine({ a: 1, b: 2, c: 2, d: 4, tx: 0, ty: 0 })).toThrow(/invertible/);
  });
});

describe('face regions', () => {
  it('maps the region centre to the crop centre and its side to the crop side', () => {
    const region = { cxPx: 400, cyPx: 300, sizePx: 96, angleRad: 0 };
    const m = regionToCrop(region, 192);
    const centre = applyAffine(m, { x: 400, y: 300 });
    expect(centre).toEqual({ x: 96, y: 96 });
    const corner = applyAffine(m, { x: 352, y: 252 });
    expect(corner.x).toBeCloseTo(0, 9);
    expect(corner.y).toBeCloseTo(0, 9);
  });

  it('turns a tilted face upright in the crop', () => {
    const angle = 0.4;
    const face = syntheticFace(500, 260, 40, angle);
    const region = regionFromLandmarks(face);
    expect(region.angleRad).toBeCloseTo(angle, 5);
    expect(region.cxPx).toBeCloseTo(500, 3);
    expect(region.cyPx).toBeCloseTo(260, 3);
    // Upright bbox is 80 × 100 → side 100 × 1.5.
    expect(region.sizePx).toBeCloseTo(150, 1);
    const m = regionToCrop(region, 192);
    const a = applyAffine(m, { x: face[33 * 3] ?? 0, y: face[33 * 3 + 1] ?? 0 });
    const b = applyAffine(m, { x: face[263 * 3] ?? 0, y: face[263 * 3 + 1] ?? 0 });
    expect(b.y - a.y).toBeCloseTo(0, 4);
    expect(b.x).toBeGreaterThan(a.x);
  });

  it('follows a moved face: the region of the moved landmarks is the moved region', () => {
    const before = regionFromLandmarks(syntheticFace(300, 200, 30, 0.1));
    const after = regionFromLandmarks(syntheticFace(330, 190, 30, 0.1));
    expect(after.cxPx - before.cxPx).toBeCloseTo(30, 3);
    expect(after.cyPx - before.cyPx).toBeCloseTo(-10, 3);
    expect(after.sizePx).toBeCloseTo(before.sizePx, 3);
  });

  it('builds an upright square around a detector box and boxes points', () => {
    expect(regionFromBox({ x: 10, y: 20, w: 40, h: 60 }, 1.5)).toEqual({
      cxPx: 30,
      cyPx: 50,
      sizePx: 90,
      angleRad: 0,
    });
    const box = boxOfPoints(new Float32Array([1, 5, 0, 4, 2, 0, 3, 9, 0]), 3);
    expect(box).toEqual({ x: 1, y: 2, w: 3, h: 7 });
  });
});
