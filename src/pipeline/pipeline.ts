// From a Frame to Observations. What runs is decided from the previous frame's tracks (read-only
// hints): the detector at its cadence (sooner when there are no tracks or one was lost), FaceMesh +
// iris on every tracked face's region (which follows last frame's landmarks) and on new
// detections, then embeddings and expressions only where the tracker asked for them.

import { cv } from '../capture/cv.js';
import type { Frame } from '../capture/frame.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { type DescribeWanted, FaceDescriber } from './describe/face-describer.js';
import { DetectionSchedule } from './detect/detection-schedule.js';
import { FaceDetector } from './detect/face-detector.js';
import {
  gatedEyes,
  matchDetections,
  nameFaces,
  type RememberedFace,
  recall,
  regionDrift,
  regionForDetection,
  reusableMesh,
} from './face-memory.js';
import { type Job, measuredFaces } from './frame-observations.js';
import { LANDMARK_REGION_SCALE, regionFromBox } from './geometry/face-region.js';
import { FaceLandmarker } from './landmarks/face-landmarker.js';
import type { SessionSource } from './models.js';
import {
  everyFace,
  regionOnly,
  relevelled,
  STILL_MAX_PASSES,
  stillHints,
  stillMoving,
  withExpressions,
} from './still-passes.js';
import {
  type Box,
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

/** A frame measured but for embeddings and expressions, and the faces that want those. */
interface Measured extends PipelineResult {
  wanted: DescribeWanted;
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
   * The detector runs in its own lane (the daemon on a live camera): its boxes join the first
   * frame processed after it ends, so tracked faces never wait for it. Off (replay, tools): a due
   * detection is awaited on its frame, so a replay is reproducible; with no track, always.
   */
  detectorLane?: boolean;
  /**
   * FaceMesh runs at least every this many frames on a still face (1: every frame). In between,
   * the iris model measures the eyes where the last FaceMesh put them (face-memory.ts: reusableMesh).
   */
  stillMeshEveryFrames?: number;
  /**
   * The iris model runs at least every this many frames on a followed face too small for FaceMesh
   * reuse whose FaceMesh lids hold still (1: every frame; landmarks/iris-gate.ts).
   */
  irisEveryFrames?: number;
  /**
   * Every measured face gets an embedding and an expression on every frame, whatever the hints
   * ask (`classpulse analyze`). Off in the daemon, which spreads them as the trackers ask.
   */
  describeEveryFace?: boolean;
}

/** FaceMesh face score below which a region holds no face. */
export const MIN_FACE_SCORE = 0.5;
/**
 * A tracked region this far (share of its side) from where this frame's detection puts the face
 * is replaced by the detection's: FaceMesh copes with a few percent off-centre, not a sixth.
 */
const MAX_REGION_DRIFT = 0.15;

export class Pipeline {
  private readonly detector: FaceDetector;
  private readonly landmarker: FaceLandmarker;
  private readonly describer: FaceDescriber;
  private readonly logger: Logger;
  private remembered: RememberedFace[] = [];
  /** Boxes of the faces the last frame lost. */
  private lostBoxes: Box[] = [];
  private readonly schedule: DetectionSchedule;

  constructor(private readonly options: PipelineOptions) {
    this.logger = options.logger.child({ module: 'pipeline' });
    this.detector = new FaceDetector({ detection: options.detection, models: options.models });
    this.schedule = new DetectionSchedule({
      detector: this.detector,
      intervalFrames: options.detection.intervalFrames,
      maxIntervalFrames: options.detection.maxIntervalFrames,
      lane: options.detectorLane ?? false,
    });
    this.landmarker = new FaceLandmarker({
      models: options.models,
      minFaceScore: options.minFaceScore ?? MIN_FACE_SCORE,
      irisEveryFrames: options.irisEveryFrames ?? 1,
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
    const start = performance.now();
    const { observations, detected, timingsMs, wanted } = await this.measure(frame, hints);
    await this.describe(frame, observations, wanted, timingsMs);
    timingsMs.total = performance.now() - start;
    return { observations, detected, timingsMs };
  }

  /**
   * A still picture (`classpulse analyze`), read in passes until each face's region is levelled
   * as a followed face's is (still-passes.ts); only the regions carry from pass to pass.
   */
  async processStill(frame: Frame): Promise<PipelineResult> {
    const start = performance.now();
    const first = await this.measure(frame, []);
    const { detected, timingsMs } = first;
    let observations = first.observations;
    let hints = stillHints(observations);
    this.follow(hints.map((h, index) => ({ index, trackId: h.id })));
    for (let pass = 1; pass < STILL_MAX_PASSES && hints.length > 0; pass++) {
      const before = this.remembered.map(regionOnly);
      this.remembered = before;
      const next = await this.measure(frame, hints);
      for (const stage of PIPELINE_STAGES) timingsMs[stage] += next.timingsMs[stage];
      observations = relevelled(observations, next.observations);
      hints = stillMoving(hints, before, this.remembered);
    }
    this.remembered = [];
    this.lostBoxes = [];
    // Expressions from the first pass's landmarks: the expression box was fitted on readings of
    // upright detector crops (expression-crop.ts), as face-api reads its own landmarks.
    const { embed } = everyFace(observations, this.options);
    const { express } = everyFace(first.observations, this.options);
    await this.describe(frame, observations, { embed, express: [] }, timingsMs);
    await this.describe(frame, first.observations, { embed: [], express }, timingsMs);
    observations = withExpressions(observations, first.observations);
    timingsMs.total = performance.now() - start;
    return { observations, detected, timingsMs };
  }

  private async describe(
    frame: Frame,
    observations: Observation[],
    wanted: DescribeWanted,
    timingsMs: Record<PipelineStage, number>,
  ): Promise<void> {
    const described = await this.describer.describe(frame.image, observations, wanted);
    timingsMs.reid += described.embedMs;
    timingsMs.expression += described.expressionMs;
  }

  /** Everything but the embeddings and expressions, and which faces want those. */
  private async measure(frame: Frame, hints: TrackHint[]): Promise<Measured> {
    const timingsMs = Object.fromEntries(PIPELINE_STAGES.map((s) => [s, 0])) as Record<
      PipelineStage,
      number
    >;
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
    const detections = await this.schedule.next(frame, hints.length, this.lostBoxes);
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

    const { stillMeshEveryFrames = 1, irisEveryFrames = 1 } = this.options;
    const { faces, timings } = await this.landmarker.run(
      frame.image,
      jobs.map((j) => {
        const followed = j.hint !== undefined && !j.moved;
        const eyesWanted = j.hint?.needsEyes !== false;
        return {
          region: j.region,
          refineEyes: eyesWanted,
          reuse: followed ? reusableMesh(j.recalled, stillMeshEveryFrames, eyesWanted) : undefined,
          eyes: followed ? gatedEyes(j.recalled, irisEveryFrames) : undefined,
          // The bias is the face's, not its place's: it holds when the region restarts.
          pose: j.recalled?.mesh?.reading.pose,
        };
      }),
    );
    timingsMs.mesh = timings.meshMs;
    timingsMs.iris = timings.irisMs;

    const t0 = performance.now();
    const { observations, remembered, wantEmbedding, wantExpression, lostBoxes } = measuredFaces(
      jobs,
      faces,
      {
        detectionModel: this.options.detection.model,
        expressionsEnabled: this.options.expression.enabled,
        describeEveryFace: this.options.describeEveryFace === true,
      },
    );
    this.lostBoxes = lostBoxes;
    this.remembered = remembered;
    if (detected) {
      this.schedule.settle(frame, {
        // A face FaceMesh cannot measure is found afresh by every run (nothing holds it between
        // runs), so it cannot count as news, or one such face would pin the cadence for good.
        newFaces: observations.filter((o) => o.trackId === undefined && o.landmarks).length,
        movedFaces: jobs.filter((j) => j.moved).length,
      });
    }
    timingsMs.geometry = performance.now() - t0;
    return {
      observations,
      detected,
      timingsMs,
      wanted: { embed: wantEmbedding, express: wantExpression },
    };
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
