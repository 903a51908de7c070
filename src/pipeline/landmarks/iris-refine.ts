// Eye crops for the iris model and the merge of its eye contours into the mesh, as human's
// src/face/iris.ts does it. All coordinates here are FaceMesh crop pixels (the 192×192 upright
// face crop), so the thresholds keep human's units. The left eye's crop is mirrored because the
// iris model was trained on one eye side (MediaPipe flips the eye at 263/362).
import type { Affine } from '../geometry/affine.js';
import {
  type ContourKey,
  EYE_CONTOURS,
  EYE_CORNERS,
  type EyeSide,
  IRIS_MODEL_CONTOUR_POINTS,
  IRIS_MODEL_CONTOURS,
  IRIS_MODEL_POINTS,
  IRIS_POINT_OFFSET,
  MESH_POINT_COUNT,
  REFINED_POINT_COUNT,
} from './mesh-indices.js';

/** human's default enlargement of the eye-corner box. */
const EYE_BOX_SCALE = 2.3;
/** Eye-corner depth difference (crop units) beyond which only the nearer eye's lids are merged. */
const FRONTAL_DEPTH_DIFF = 30;

export interface EyeBox {
  side: EyeSide;
  /** Top-left corner and side of the square, in face-crop pixels. */
  x0: number;
  y0: number;
  size: number;
  flip: boolean;
}

const px = (xyz: Float32Array, i: number) => ({
  x: xyz[i * 3] ?? 0,
  y: xyz[i * 3 + 1] ?? 0,
  z: xyz[i * 3 + 2] ?? 0,
});

/** Square around the two eye corners, enlarged `scale`× (human: enlargeBox then squarifyBox). */
export function eyeBox(meshCrop: Float32Array, side: EyeSide, scale = EYE_BOX_SCALE): EyeBox {
  const a = px(meshCrop, EYE_CORNERS[side].outer);
  const b = px(meshCrop, EYE_CORNERS[side].inner);
  const cx = (a.x + b.x) / 2;
  const cy = (a.y + b.y) / 2;
  const half = (Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y)) * scale) / 2;
  const x0 = Math.round(cx - half);
  const y0 = Math.round(cy - half);
  return { side, x0, y0, size: Math.round(cx + half) - x0, flip: side === 'left' };
}

/** Map from face-crop pixels into the `inputPx` eye crop (mirrored for the left eye). */
export function eyeBoxToInput(box: EyeBox, inputPx: number): Affine {
  const s = inputPx / box.size;
  return box.flip
    ? { a: -s, b: 0, c: 0, d: s, tx: inputPx + s * box.x0, ty: -s * box.y0 }
    : { a: s, b: 0, c: 0, d: s, tx: -s * box.x0, ty: -s * box.y0 };
}

/** The iris model's 76 points (eye-crop pixels) mapped back to face-crop pixels. */
export function eyePointsToCrop(output: Float32Array, box: EyeBox, inputPx: number): Float32Array {
  const out = new Float32Array(IRIS_MODEL_POINTS * 3);
  const s = box.size / inputPx;
  for (let i = 0; i < IRIS_MODEL_POINTS; i++) {
    const x = output[i * 3] ?? 0;
    const y = output[i * 3 + 1] ?? 0;
    out[i * 3] = (box.flip ? inputPx - x : x) * s + box.x0;
    out[i * 3 + 1] = y * s + box.y0;
    out[i * 3 + 2] = (output[i * 3 + 2] ?? 0) * s;
  }
  return out;
}

function replaceContours(
  mesh: Float32Array,
  eye: Float32Array,
  side: EyeSide,
  keys: readonly ContourKey[],
): void {
  for (const key of keys) {
    const meshIdx = EYE_CONTOURS[side][key];
    const eyeIdx = IRIS_MODEL_CONTOURS[key];
    for (let j = 0; j < eyeIdx.length; j++) {
      const m = meshIdx[j];
      const e = eyeIdx[j];
      if (m === undefined || e === undefined) continue;
      mesh[m * 3] = eye[e * 3] ?? 0;
      mesh[m * 3 + 1] = eye[e * 3 + 1] ?? 0;
      // human: z is the mean of the mesh's and the iris model's estimate.
      mesh[m * 3 + 2] = ((eye[e * 3 + 2] ?? 0) + (mesh[m * 3 + 2] ?? 0)) / 2;
    }
  }
}

const ALL_KEYS = Object.keys(IRIS_MODEL_CONTOURS) as ContourKey[];
const LIDS: ContourKey[] = ['EyeUpper0', 'EyeLower0'];

/**
 * The eyes whose iris-model contours enter the mesh: both on a frontal face; with the head turned
 * the far eye's contour diverges, so only the nearer eye's (human's rule). Decided from FaceMesh's
 * eye-corner depths before the eyes are cropped, so the far eye costs no iris run.
 */
export function eyesToRefine(meshCrop: Float32Array): EyeSide[] {
  const depthDiff =
    px(meshCrop, EYE_CORNERS.left.outer).z - px(meshCrop, EYE_CORNERS.right.outer).z;
  if (Math.abs(depthDiff) < FRONTAL_DEPTH_DIFF) return ['left', 'right'];
  return depthDiff < 1 ? ['left'] : ['right'];
}

/**
 * Merge the iris-model points of the eyes `eyesToRefine` chose into the 468-point mesh (face-crop
 * pixels) and append 5 iris points per eye; returns 478 points. Both eyes: every contour of each
 * is replaced. One eye (a turned head): only its lids; the other eye keeps FaceMesh's contours,
 * and its iris points sit at the middle of its corners, as without the iris model.
 */
export function mergeIris(
  meshCrop: Float32Array,
  eyes: Partial<Record<EyeSide, Float32Array>>,
): Float32Array {
  const out = new Float32Array(REFINED_POINT_COUNT * 3);
  out.set(meshCrop.subarray(0, MESH_POINT_COUNT * 3));
  const keys = eyes.left && eyes.right ? ALL_KEYS : LIDS;
  for (const side of ['left', 'right'] as const) {
    const eye = eyes[side];
    if (eye) replaceContours(out, eye, side, keys);
  }
  for (const side of ['left', 'right'] as const) {
    const eye = eyes[side];
    if (!eye) {
      cornerMidpointIris(out, meshCrop, side);
      continue;
    }
    // Iris z is unreliable (human): take the lids' depth instead.
    const upperZ = px(out, EYE_CONTOURS[side].EyeUpper0[3]).z;
    const lowerZ = px(out, EYE_CONTOURS[side].EyeLower0[4]).z;
    for (let k = 0; k < 5; k++) {
      const src = (IRIS_MODEL_CONTOUR_POINTS + k) * 3;
      const dst = (IRIS_POINT_OFFSET[side] + k) * 3;
      out[dst] = eye[src] ?? 0;
      out[dst + 1] = eye[src + 1] ?? 0;
      out[dst + 2] = k === 2 ? upperZ : k === 4 ? lowerZ : (upperZ + lowerZ) / 2;
    }
  }
  return out;
}

/** An eye's five iris points at the middle of its two corners (no iris-model reading of it). */
function cornerMidpointIris(out: Float32Array, meshCrop: Float32Array, side: EyeSide): void {
  const a = px(meshCrop, EYE_CORNERS[side].outer);
  const b = px(meshCrop, EYE_CORNERS[side].inner);
  for (let k = 0; k < 5; k++) {
    const dst = (IRIS_POINT_OFFSET[side] + k) * 3;
    out[dst] = (a.x + b.x) / 2;
    out[dst + 1] = (a.y + b.y) / 2;
    out[dst + 2] = (a.z + b.z) / 2;
  }
}

/**
 * The 478-point layout without the iris model (a face too small for eye measurements): FaceMesh's
 * own eye contours stay, and each eye's five iris points sit at the middle of its two corners
 * (face-crop pixels).
 */
export function meshOnlyPoints(meshCrop: Float32Array): Float32Array {
  const out = new Float32Array(REFINED_POINT_COUNT * 3);
  out.set(meshCrop.subarray(0, MESH_POINT_COUNT * 3));
  for (const side of ['left', 'right'] as const) cornerMidpointIris(out, meshCrop, side);
  return out;
}
