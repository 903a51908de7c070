// The face crop face-api's recognition and expression nets expect: the bounding box of the 68
// dlib-layout points padded by 20 % (face-api's alignMinBbox), padded to a centred square
// (toBatchTensor(size, true)). FaceMesh gives us the roll, so the crop is also turned upright,
// which is what dlib-style alignment does and the embedding is less sensitive to.
import type { Affine } from '../geometry/affine.js';
import { rollFromLandmarks, uprightExtent } from '../geometry/face-region.js';
import { VTX68 } from '../landmarks/mesh-indices.js';
import type { Box } from '../types.js';

/** face-api's alignMinBbox padding (share of the box added in total per axis). */
const FACE_BOX_PADDING = 0.2;

/** Map from frame pixels into an upright `outPx` square face crop. */
export function alignedFaceCrop(xyz: Float32Array, outPx: number): Affine {
  const angle = rollFromLandmarks(xyz);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const { cu, cv, side: extent } = uprightExtent(xyz, angle, VTX68);
  const side = extent * (1 + FACE_BOX_PADDING);
  const s = outPx / Math.max(side, 1e-6);
  // Rotate by -angle, then scale about the box centre into the crop centre.
  return {
    a: s * cos,
    b: s * sin,
    c: -s * sin,
    d: s * cos,
    tx: outPx / 2 - s * cu,
    ty: outPx / 2 - s * cv,
  };
}

/**
 * Without landmarks (a face FaceMesh could not measure): face-api's own crop of a detection, the
 * box grown to a centred square, upright.
 */
export function boxFaceCrop(box: Box, outPx: number): Affine {
  const side = Math.max(box.w, box.h, 1e-6);
  const s = outPx / side;
  return {
    a: s,
    b: 0,
    c: 0,
    d: s,
    tx: outPx / 2 - s * (box.x + box.w / 2),
    ty: outPx / 2 - s * (box.y + box.h / 2),
  };
}

/** What a face crop is made from: landmarks when there are any, else the box. */
export interface FaceRef {
  box: Box;
  landmarks?: Float32Array;
}

/** A bare Float32Array is a face's landmarks (the form tools/models/quantize uses). */
export function faceCrop(face: FaceRef | Float32Array, outPx: number): Affine {
  if (face instanceof Float32Array) return alignedFaceCrop(face, outPx);
  return face.landmarks ? alignedFaceCrop(face.landmarks, outPx) : boxFaceCrop(face.box, outPx);
}
