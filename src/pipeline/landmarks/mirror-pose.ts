// Yaw that reads the same on a face and on its mirror image. FaceMesh does not place the landmarks
// of a mirrored face as the mirror of its landmarks: a frame and its mirror read yaws whose sum is
// 2–3° (p95) on frontal faces and 3.5–6.6° on heads turned to ±45° (docs/perception.md). That
// bias (half the sum) differs from face to face and with the pose (−2.5…+1.0° by clip and angle),
// so no fixed correction removes it. FaceMesh run on the crop flipped left-right as well gives it:
// (yaw − yaw of the flipped crop) / 2 is symmetric by construction, and (yaw + flipped) / 2 is the
// bias. The bias changes slowly, so the flipped crop runs only when FaceMesh's yaw has moved since
// its last run or every few readings, and the readings between subtract the bias last measured.
// Pure: the memory is plain data carried by the face's FaceMesh reading.
import { type Affine, composeAffine } from '../geometry/affine.js';
import { boxOfPoints } from '../geometry/face-region.js';

/** A face's yaw corrected for FaceMesh's mirror bias, and what the next reading decides by. */
export interface MirrorPose {
  /** The corrected yaw (degrees, HeadPose's sign): what the pose reports. */
  yawDeg: number;
  /** Half of (FaceMesh's yaw + its yaw on the flipped crop) when the flipped crop last ran. */
  biasDeg: number;
  /** FaceMesh's own yaw on that reading. */
  yawAtRunDeg: number;
  /** Readings since the flipped crop ran (0: it ran for this one). */
  age: number;
}

/**
 * Faces at least this wide get the flipped run: a classroom has few of them (the front row), and
 * the flipped crop is one more FaceMesh run. The same size below which FaceMesh's still-face reuse
 * and the iris gate's choices differ (face-memory.ts): many small faces, where every run counts.
 * Its cost is in docs/performance.md.
 */
const MIRROR_MIN_FACE_PX = 80;
/** The flipped crop runs at least every this many readings... */
const MIRROR_EVERY_READINGS = 4;
/** ...and whenever FaceMesh's yaw moved more than this since it last ran (a turn). */
const MIRROR_YAW_MOVE_DEG = 2;

/**
 * Whether a face gets the mirror correction at all: its width, as the box of its landmarks the
 * rest of the pipeline measures faces by, from a FaceMesh reading (points in crop pixels, the crop
 * `cropPx` wide for a region `regionSizePx` wide in the frame).
 */
export function mirrorsPose(meshCrop: Float32Array, cropPx: number, regionSizePx: number): boolean {
  return (boxOfPoints(meshCrop).w * regionSizePx) / cropPx >= MIRROR_MIN_FACE_PX;
}

/** Whether this reading (FaceMesh's own yaw `yawDeg`) needs the flipped crop run. */
export function needsMirrorRun(previous: MirrorPose | undefined, yawDeg: number): boolean {
  return (
    previous === undefined ||
    previous.age + 1 >= MIRROR_EVERY_READINGS ||
    Math.abs(yawDeg - previous.yawAtRunDeg) > MIRROR_YAW_MOVE_DEG
  );
}

/** The pose from this reading's yaw and the flipped crop's (both as FaceMesh reads them). */
export function mirroredPose(yawDeg: number, flippedYawDeg: number): MirrorPose {
  const biasDeg = (yawDeg + flippedYawDeg) / 2;
  return { yawDeg: yawDeg - biasDeg, biasDeg, yawAtRunDeg: yawDeg, age: 0 };
}

/** The pose of a reading without a flipped run: the last bias subtracted. */
export function carriedPose(previous: MirrorPose, yawDeg: number): MirrorPose {
  return { ...previous, yawDeg: yawDeg - previous.biasDeg, age: previous.age + 1 };
}

/**
 * The crop map followed by a left-right flip of the `sizePx` crop: on a mirrored frame, tracked
 * the same way, the crop would be this one (the region's centre maps to sizePx / 2).
 */
export function flippedCrop(toCrop: Affine, sizePx: number): Affine {
  return composeAffine({ a: -1, b: 0, c: 0, d: 1, tx: sizePx, ty: 0 }, toCrop);
}
