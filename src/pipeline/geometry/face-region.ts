// The square, rotated region of the frame that FaceMesh sees. As in MediaPipe's face landmark
// graph, the region for the next frame follows this frame's landmarks: square around them, scaled
// 1.5×, rotated so the eye line (landmarks 33 → 263) is horizontal. A fresh detection only gives a
// box, so its region is an upright square around the box.
import type { Box } from '../types.js';
import type { Affine } from './affine.js';

export interface FaceRegion {
  /** Centre in frame pixels. */
  cxPx: number;
  cyPx: number;
  /** Side of the square in frame pixels. */
  sizePx: number;
  /** Rotation of the face in the image (eye line angle, y down: positive = clockwise). */
  angleRad: number;
}

/** MediaPipe's face_landmarks_to_roi scale. */
export const LANDMARK_REGION_SCALE = 1.5;
/** FaceMesh's own eye-corner landmarks that define the roll of the region. */
const ROLL_FROM_INDEX = 33;
const ROLL_TO_INDEX = 263;
/** The 468 mesh points; iris centres appended after them are not used for the region. */
const MESH_POINTS = 468;

/** Map from frame pixels into an `outPx`×`outPx` upright crop of `region`. */
export function regionToCrop(region: FaceRegion, outPx: number): Affine {
  const s = outPx / region.sizePx;
  const cos = Math.cos(region.angleRad);
  const sin = Math.sin(region.angleRad);
  const a = s * cos;
  const b = s * sin;
  const c = -s * sin;
  const d = s * cos;
  return {
    a,
    b,
    c,
    d,
    tx: outPx / 2 - (a * region.cxPx + b * region.cyPx),
    ty: outPx / 2 - (c * region.cxPx + d * region.cyPx),
  };
}

/** Upright square around a detector box; `scale` widens it to the context FaceMesh expects. */
export function regionFromBox(box: Box, scale: number): FaceRegion {
  return {
    cxPx: box.x + box.w / 2,
    cyPx: box.y + box.h / 2,
    sizePx: Math.max(box.w, box.h) * scale,
    angleRad: 0,
  };
}

/** Angle of the eye line from landmark 33 to 263 (interleaved xyz, frame pixels). */
export function rollFromLandmarks(xyz: Float32Array): number {
  const x0 = xyz[ROLL_FROM_INDEX * 3] ?? 0;
  const y0 = xyz[ROLL_FROM_INDEX * 3 + 1] ?? 0;
  const x1 = xyz[ROLL_TO_INDEX * 3] ?? 0;
  const y1 = xyz[ROLL_TO_INDEX * 3 + 1] ?? 0;
  return Math.atan2(y1 - y0, x1 - x0);
}

/** 0 … MESH_POINTS-1, built once: the region is recomputed for every face on every frame. */
const ALL_MESH_POINTS: readonly number[] = Array.from({ length: MESH_POINTS }, (_, i) => i);

/**
 * Region for the next frame from this frame's landmarks. The bounding box is taken in the face's
 * upright frame (not axis-aligned in the image) so a tilted head does not inflate the region.
 */
export function regionFromLandmarks(
  xyz: Float32Array,
  scale: number = LANDMARK_REGION_SCALE,
): FaceRegion {
  const angleRad = rollFromLandmarks(xyz);
  const count = Math.min(MESH_POINTS, Math.floor(xyz.length / 3));
  const indices = count === MESH_POINTS ? ALL_MESH_POINTS : ALL_MESH_POINTS.slice(0, count);
  const extent = uprightExtent(xyz, angleRad, indices);
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  return {
    cxPx: cos * extent.cu - sin * extent.cv,
    cyPx: sin * extent.cu + cos * extent.cv,
    sizePx: extent.side * scale,
    angleRad,
  };
}

/** Extent of some points in the face's upright frame (rotated by -angle), centre (cu, cv). */
export interface UprightExtent {
  cu: number;
  cv: number;
  /** The larger of width and height. */
  side: number;
}

export function uprightExtent(
  xyz: Float32Array,
  angleRad: number,
  indices: Iterable<number>,
): UprightExtent {
  const cos = Math.cos(angleRad);
  const sin = Math.sin(angleRad);
  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (const i of indices) {
    const x = xyz[i * 3] ?? 0;
    const y = xyz[i * 3 + 1] ?? 0;
    // Rotate by -angle: coordinates along and across the eye line.
    const u = cos * x + sin * y;
    const v = -sin * x + cos * y;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  return { cu: (minU + maxU) / 2, cv: (minV + maxV) / 2, side: Math.max(maxU - minU, maxV - minV) };
}

/** Axis-aligned bounding box of the first `count` points (frame pixels). */
export function boxOfPoints(xyz: Float32Array, count: number = MESH_POINTS): Box {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const n = Math.min(count, Math.floor(xyz.length / 3));
  for (let i = 0; i < n; i++) {
    const x = xyz[i * 3] ?? 0;
    const y = xyz[i * 3 + 1] ?? 0;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}
