// A frame's measurements turned into what the trackers get and what the next frame remembers:
// one Observation per face (FaceMesh's, or the detector's box where FaceMesh saw nothing), which
// of them want an embedding or an expression, and whether a face we were following is gone.

import { iou } from './detect/nms.js';
import {
  type DetectorModel,
  eyeMemory,
  meshMemory,
  type RememberedFace,
  regionForDetection,
} from './face-memory.js';
import { boxOfPoints, type FaceRegion, regionFromLandmarks } from './geometry/face-region.js';
import type { FaceLandmarks } from './landmarks/face-landmarker.js';
import { headPose } from './landmarks/head-pose.js';
import type { Box, Detection, Observation, TrackHint } from './types.js';

/** One face to measure this frame. */
export interface Job {
  region: FaceRegion;
  hint?: TrackHint;
  /** The detection this face came from or was confirmed by this frame. */
  detection?: Detection;
  /** Remembered as detector-only (FaceMesh saw nothing there before). */
  detectorOnly: boolean;
  /**
   * What was remembered of it from last frame (its region and last FaceMesh reading); a face
   * remembered is one we were following, so losing it now is news.
   */
  recalled?: RememberedFace;
  /** A detection moved its region this frame: FaceMesh must run. */
  moved?: boolean;
}

export interface FrameObservations {
  observations: Observation[];
  /** What the next frame recalls, by observation index. */
  remembered: RememberedFace[];
  /** Observation indices to describe. */
  wantEmbedding: number[];
  wantExpression: number[];
  /** Where faces we were following disappeared: the detector looks there again at once. */
  lostBoxes: Box[];
}

export interface ObserveOptions {
  detectionModel: DetectorModel;
  expressionsEnabled: boolean;
  /** Describe every face whatever the hints ask (PipelineOptions.describeEveryFace). */
  describeEveryFace: boolean;
}

/**
 * The least detector score at which a new face that FaceMesh cannot confirm still opens a track.
 * detection.minScore (0.4) keeps low-score boxes because FaceMesh confirms the small faces they
 * find; alone, such a box was a phantom track on franck's first 100 s (0.5: the previous default).
 */
const UNCONFIRMED_MIN_SCORE = 0.5;

/** Landmark boxes overlapping this much are one face measured twice. */
const DUPLICATE_IOU = 0.5;

/** Observations of `jobs`, whose FaceMesh results are `faces` (same order). */
export function measuredFaces(
  jobs: readonly Job[],
  faces: ReadonlyArray<FaceLandmarks | undefined>,
  options: ObserveOptions,
): FrameObservations {
  const out: FrameObservations = {
    observations: [],
    remembered: [],
    wantEmbedding: [],
    wantExpression: [],
    lostBoxes: [],
  };
  const { observations, remembered, wantEmbedding, wantExpression } = out;
  const every = options.describeEveryFace;
  const kept: Box[] = [];
  jobs.forEach((job, i) => {
    const face = faces[i];
    const trackId = job.hint?.id;
    // Two tracks' regions can drift onto one face (students crossing): the first (older) keeps
    // it, the other counts as lost so the detector looks again.
    const duplicate = face !== undefined && isDuplicate(boxOfPoints(face.points), kept);
    if (face && !duplicate) {
      const observation: Observation = {
        box: boxOfPoints(face.points),
        landmarks: face.points,
      };
      if (face.eyes) observation.eyes = face.eyes;
      const pose = headPose(face.points);
      // A large face's yaw corrected for FaceMesh's mirror bias (mirror-pose.ts).
      const mirrorYawDeg = face.mesh.pose?.yawDeg;
      if (pose)
        observation.pose = mirrorYawDeg === undefined ? pose : { ...pose, yawDeg: mirrorYawDeg };
      if (trackId !== undefined) observation.trackId = trackId;
      if (job.detection) observation.score = job.detection.score;
      kept.push(observation.box);
      const index = observations.push(observation) - 1;
      if (every || !job.hint || job.hint.needsEmbedding) wantEmbedding.push(index);
      if ((every || job.hint?.needsExpression) && options.expressionsEnabled)
        wantExpression.push(index);
      const region = regionFromLandmarks(face.points);
      remembered.push({
        ...(trackId !== undefined ? { trackId } : {}),
        observation: index,
        box: observation.box,
        region,
        detectorOnly: false,
        mesh: meshMemory(face, job.recalled, region),
        eyes: eyeMemory(face, job.recalled),
      });
    } else if (
      job.detection &&
      !duplicate &&
      (job.hint || job.detection.score >= UNCONFIRMED_MIN_SCORE)
    ) {
      // The detector sees a face FaceMesh cannot measure (too small, turned away): still report
      // it so the tracker keeps the student, with the box the detector gave. A new face FaceMesh
      // cannot confirm needs a confident detection: low-score boxes are for faces FaceMesh finds.
      const { score, ...box } = job.detection;
      const index =
        observations.push({ box, score, ...(trackId !== undefined ? { trackId } : {}) }) - 1;
      if (every || !job.hint || job.hint.needsEmbedding) wantEmbedding.push(index);
      remembered.push({
        ...(trackId !== undefined ? { trackId } : {}),
        observation: index,
        box,
        region: regionForDetection(box, options.detectionModel),
        detectorOnly: true,
      });
    } else if (job.hint?.id !== undefined && job.detectorOnly && !duplicate) {
      // Still beyond FaceMesh: remember it until the detector sees it again; not a loss.
      remembered.push({
        trackId: job.hint.id,
        box: job.hint.box,
        region: job.region,
        detectorOnly: true,
      });
    } else if (job.hint && job.recalled) {
      // Look for a face we were following at once, around where it disappeared. A hinted track
      // that was already missing (e.g. a duplicate of a face another track holds) must not send
      // the detector there on every frame for as long as the tracker keeps it.
      out.lostBoxes.push(job.hint.box);
    }
  });
  return out;
}

function isDuplicate(box: Box, kept: Box[]): boolean {
  return kept.some((other) => iou(box, other) > DUPLICATE_IOU);
}
