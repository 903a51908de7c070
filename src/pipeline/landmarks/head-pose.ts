// Head pose from six mesh landmarks against a generic 3-D face (OpenCV solvePnP), the usual
// approach when the camera is not calibrated: focal length ≈ image width, principal point at the
// image centre. Good to a few degrees, which is what turn counting needs.
import { cv } from '../../capture/cv.js';
import type { HeadPose } from '../types.js';

/**
 * Generic face in camera-like axes (x to the image right, y down, z away from the camera; mm-ish,
 * nose tip at the origin), so the identity rotation is a face looking straight at the camera.
 */
export const CANONICAL_FACE = [
  { index: 1, x: 0, y: 0, z: 0 }, // nose tip
  { index: 152, x: 0, y: 330, z: 65 }, // chin
  { index: 33, x: -225, y: -170, z: 135 }, // outer corner of the eye on the image's left
  { index: 263, x: 225, y: -170, z: 135 }, // outer corner of the eye on the image's right
  { index: 61, x: -150, y: 150, z: 125 }, // mouth corner, image left
  { index: 291, x: 150, y: 150, z: 125 }, // mouth corner, image right
] as const;

export interface Camera {
  widthPx: number;
  heightPx: number;
  /** Defaults to the image width (≈ 53° horizontal field of view). */
  focalPx?: number;
}

/** Rotation vector → 3×3 row-major rotation matrix (Rodrigues). */
export function rodrigues(rx: number, ry: number, rz: number): number[] {
  const theta = Math.hypot(rx, ry, rz);
  if (theta < 1e-12) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const kx = rx / theta;
  const ky = ry / theta;
  const kz = rz / theta;
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const v = 1 - c;
  return [
    c + kx * kx * v,
    kx * ky * v - kz * s,
    kx * kz * v + ky * s,
    ky * kx * v + kz * s,
    c + ky * ky * v,
    ky * kz * v - kx * s,
    kz * kx * v - ky * s,
    kz * ky * v + kx * s,
    c + kz * kz * v,
  ];
}

const DEG = 180 / Math.PI;

/**
 * Angles from R = Rz(roll)·Ry(β)·Rx(α) (camera axes). Signs follow `HeadPose`: yaw > 0 when the
 * student turns to their own left (nose towards the image's right), pitch > 0 looking up, roll > 0
 * when the eye line turns clockwise in the image.
 */
export function poseFromRotation(r: number[]): HeadPose {
  const r20 = Math.max(-1, Math.min(1, r[6] ?? 0));
  const beta = Math.asin(-r20);
  const alpha = Math.atan2(r[7] ?? 0, r[8] ?? 1);
  const gamma = Math.atan2(r[3] ?? 0, r[0] ?? 1);
  return { yawDeg: -beta * DEG, pitchDeg: -alpha * DEG, rollDeg: gamma * DEG };
}

/** Pose of a face from its mesh (interleaved xyz, frame pixels); undefined if PnP fails. */
export function headPose(xyz: Float32Array, camera: Camera): HeadPose | undefined {
  const focal = camera.focalPx ?? camera.widthPx;
  const objectPoints = CANONICAL_FACE.map((p) => new cv.Point3(p.x, p.y, p.z));
  const imagePoints = CANONICAL_FACE.map(
    (p) => new cv.Point2(xyz[p.index * 3] ?? 0, xyz[p.index * 3 + 1] ?? 0),
  );
  const cameraMatrix = new cv.Mat(
    [
      [focal, 0, camera.widthPx / 2],
      [0, focal, camera.heightPx / 2],
      [0, 0, 1],
    ],
    cv.CV_64F,
  );
  // The typings want 6 arguments; the runtime's 4-argument form (no guess, iterative) is the one
  // that works, hence the cast.
  const solve = cv.solvePnP as unknown as (
    o: unknown[],
    i: unknown[],
    k: unknown,
    d: number[],
  ) => { returnValue: boolean; rvec: { x: number; y: number; z: number } };
  const result = solve(objectPoints, imagePoints, cameraMatrix, [0, 0, 0, 0]);
  if (!result.returnValue) return undefined;
  const pose = poseFromRotation(rodrigues(result.rvec.x, result.rvec.y, result.rvec.z));
  return Number.isFinite(pose.yawDeg) ? pose : undefined;
}
