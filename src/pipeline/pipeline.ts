// From a Frame to Observations. What runs is decided from the previous frame's tracks (read-only
// hints): the detector at its cadence (sooner when there are no tracks or one was lost), FaceMesh +
// iris on every tracked face's region (which follows last frame's landmarks) and on new
// detections, then embeddings and expressions only where the tracker asked for them.

import { cv } from '../capture/cv.js';
import type { Frame } from '../capture/frame.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { FaceDescriber } from './describe/face-describer.js';
import { DetectionSchedule } from './detect/detection-schedule.js';
import { FaceDetector } from './detect/face-detector.js';
import { iou } from './detect/nms.js';
import {
  matchDetections,
  meshMemory,
  nameFaces,
  type RememberedFace,
  recall,
  regionDrift,
  regionForDetection,
  reusableMesh,
} from './face-memory.js';
import {
  boxOfPoints,
  type FaceRegion,
  LANDMARK_REGION_SCALE,
  regionFromBox,
  regionFromLandmarks,
} from './geometry/face-region.js';
import { eyeOpenness } from './landmarks/eye-openness.js';
import { FaceLandmarker } from './landmarks/face-landmarker.js';
import { headPose } from './landmarks/head-pose.js';
import type { SessionSource } from './models.js';
import {
  type Box,
  type Detection,
  type Observation,
  PIPELINE_STAGES,
  type PipelineStage,
  type TrackHint,
} from './types.js';

export interface PipelineResult {
  observations: Observation[];
  /** The detector ran on this frame. */
  detected: boolean;
  timingsMs: Record<PipelineStage, number>;
}

export interface PipelineOptions {
  detection: Config['detection'];
  expression: Config['expression'];
  /** `ModelStore` in the daemon; anything that opens sessions by model name. */
  models: SessionSource;
  logger: Logger;
  /** FaceMesh face score below which a region holds no face; MIN_FACE_SCORE unless set. */
  minFaceScore?: number;
  /**
   * The detector runs in its own lane (the daemon on a live camera): a detection pass starts on
   * one frame and its boxes join the first frame processed after it ends, so tracked faces never
   * wait for it. Off (replay, tools): a due detection is awaited on its own frame, which makes a
   * replay reproducible. With no track at all the detection is always awaited.
   */
  detectorLane?: boolean;
  /**
   * FaceMesh runs at least every this many frames on a still face (1: every frame). In between,
   * the iris model measures the eyes where the last FaceMesh put them (face-memory.ts: reusableMesh).
   */
  stillMeshEveryFrames?: number;
  /**
   * Every measured face gets an embedding and an expression on every frame, whatever the hints
   * ask (`classpulse analyze`: a photo is one frame, so nothing can wait for a later one). Off in
   * the daemon, which spreads them over time as the trackers ask.
   */
  describeEveryFace?: boolean;
}

/** FaceMesh face score below which a region holds no face. */
export const MIN_FACE_SCORE = 0.5;
/**
 * A tracked region whose centre is this far (share of its side) from where this frame's detection
 * puts the face is replaced by the detection's: FaceMesh copes with a face off-centre by a few
 * percent, not by a sixth of the crop.
 */
const MAX_REGION_DRIFT = 0.15;

/** One face to measure this frame. */
interface Job {
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

/** The models a pipeline with these settings opens (the inference pool loads exactly these). */
export function pipelineModels(config: Pick<Config, 'detection' | 'expression'>): string[] {
  return [
    config.detection.model,
    'facemesh',
    'iris',
    'face-embedding',
    ...(config.expression.enabled ? ['expression'] : []),
  ];
}

export class Pipeline {
  private readonly detector: FaceDetector;
  private readonly landmarker: FaceLandmarker;
  private readonly describer: FaceDescriber;
  private readonly logger: Logger;
  private remembered: RememberedFace[] = [];
  private trackLost = false;
  private readonly schedule: DetectionSchedule;

  constructor(private readonly options: PipelineOptions) {
    this.logger = options.logger.child({ module: 'pipeline' });
    this.detector = new FaceDetector({ detection: options.detection, models: options.models });
    this.schedule = new DetectionSchedule({
      detector: this.detector,
      intervalFrames: options.detection.intervalFrames,
      lane: options.detectorLane ?? false,
    });
    this.landmarker = new FaceLandmarker({
      models: options.models,
      minFaceScore: options.minFaceScore ?? MIN_FACE_SCORE,
    });
    this.describer = new FaceDescriber({
      models: options.models,
      expressions: options.expression.enabled,
    });
  }

  /** Load every model and run each once, so the first real frame is not the slow one. */
  async init(): Promise<void> {
    const t0 = performance.now();
    await this.detector.init();
    await this.landmarker.init();
    await this.describer.init();
    // First runs allocate and pick kernels; do them now rather than on the first real frame.
    const blank = new cv.Mat(240, 320, cv.CV_8UC3, [128, 128, 128]);
    await this.detector.detect(blank);
    await this.landmarker.warmUp();
    await this.describer.warmUp(blank);
    this.logger.info({ ms: Math.round(performance.now() - t0) }, 'pipeline models loaded');
  }

  async process(frame: Frame, hints: TrackHint[]): Promise<PipelineResult> {
    const timingsMs = Object.fromEntries(PIPELINE_STAGES.map((s) => [s, 0])) as Record<
      PipelineStage,
      number
    >;
    const start = performance.now();
    const jobs: Job[] = hints.map((hint) => {
      const face = recall(hint, this.remembered);
      return {
        hint,
        // A hint box is a landmark box (it came from our observations): frame it like one.
        region: face?.region ?? regionFromBox(hint.box, LANDMARK_REGION_SCALE),
        detectorOnly: face?.detectorOnly ?? false,
        ...(face ? { recalled: face } : {}),
      };
    });

    const detectStarted = performance.now();
    const detections = await this.schedule.next(frame, hints.length, this.trackLost);
    const detected = detections !== undefined;
    if (detections) {
      const { byTracked, fresh } = matchDetections(
        detections,
        hints.map((h) => h.box),
      );
      byTracked.forEach((detection, i) => {
        const job = jobs[i];
        if (!job || !detection) return;
        job.detection = detection;
        // The face moved faster than the region followed: start again from the detection.
        const fromDetection = regionForDetection(detection, this.options.detection.model);
        if (regionDrift(job.region, fromDetection) > MAX_REGION_DRIFT) {
          job.region = fromDetection;
          job.moved = true;
        }
      });
      for (const detection of fresh) {
        jobs.push({
          region: regionForDetection(detection, this.options.detection.model),
          detection,
          detectorOnly: false,
        });
      }
    }
    // Cutting windows for a detection started in the lane counts too; a frame without one is 0.
    if (detected || this.schedule.startedThisFrame) {
      timingsMs.detect = performance.now() - detectStarted;
    }

    const { faces, timings } = await this.landmarker.run(
      frame.image,
      jobs.map((j) => j.region),
      jobs.map((j) => j.hint?.needsEyes !== false),
      jobs.map((j) =>
        j.hint && !j.moved
          ? reusableMesh(j.recalled, this.options.stillMeshEveryFrames ?? 1)
          : undefined,
      ),
    );
    timingsMs.mesh = timings.meshMs;
    timingsMs.iris = timings.irisMs;

    const t0 = performance.now();
    const observations: Observation[] = [];
    const remembered: RememberedFace[] = [];
    const wantEmbedding: number[] = [];
    const wantExpression: number[] = [];
    this.trackLost = false;
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
        if (face.eyesRefined) observation.eyes = eyeOpenness(face.points);
        const pose = headPose(face.points);
        if (pose) observation.pose = pose;
        if (trackId !== undefined) observation.trackId = trackId;
        if (job.detection) observation.score = job.detection.score;
        kept.push(observation.box);
        const index = observations.push(observation) - 1;
        const every = this.options.describeEveryFace === true;
        if (every || !job.hint || job.hint.needsEmbedding) wantEmbedding.push(index);
        if ((every || job.hint?.needsExpression) && this.options.expression.enabled)
          wantExpression.push(index);
        const region = regionFromLandmarks(face.points);
        remembered.push({
          ...(trackId !== undefined ? { trackId } : {}),
          observation: index,
          box: observation.box,
          region,
          detectorOnly: false,
          mesh: meshMemory(face, job.recalled, region),
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
        if (this.options.describeEveryFace || !job.hint || job.hint.needsEmbedding)
          wantEmbedding.push(index);
        remembered.push({
          ...(trackId !== undefined ? { trackId } : {}),
          observation: index,
          box,
          region: regionForDetection(box, this.options.detection.model),
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
        // Re-detect at once when a face we were following disappears. A hinted track that was
        // already missing (e.g. a duplicate of a face another track holds) must not force the
        // detector on every frame for as long as the tracker keeps it.
        this.trackLost = true;
      }
    });
    this.remembered = remembered;
    timingsMs.geometry = performance.now() - t0;

    const described = await this.describer.describe(frame.image, observations, {
      embed: wantEmbedding,
      express: wantExpression,
    });
    timingsMs.reid = described.embedMs;
    timingsMs.expression = described.expressionMs;
    timingsMs.total = performance.now() - start;
    return { observations, detected, timingsMs };
  }

  /**
   * The tracker's associations for the observations of the last `process` call: remembered faces
   * are named by the track each observation went to, so the next frame's hints find them by id.
   */
  follow(observed: ReadonlyArray<{ index: number; trackId: string }>): void {
    nameFaces(this.remembered, observed);
  }

  /**
   * Adaptation under load: run the detector every `detection.intervalFrames × scale` frames
   * (a lost track or no tracks still trigger it at once).
   */
  setDetectionIntervalScale(scale: number): void {
    this.schedule.setIntervalScale(scale);
  }
}

/**
 * The least detector score at which a new face that FaceMesh cannot confirm still opens a track.
 * detection.minScore (0.4) keeps low-score boxes because FaceMesh confirms the small faces they
 * find; alone, such a box was a phantom track on franck's first 100 s (0.5: the previous default).
 */
const UNCONFIRMED_MIN_SCORE = 0.5;

/** Landmark boxes overlapping this much are one face measured twice. */
const DUPLICATE_IOU = 0.5;

function isDuplicate(box: Box, kept: Box[]): boolean {
  return kept.some((other) => iou(box, other) > DUPLICATE_IOU);
}
