// When the detector runs and which frame its boxes join: at once with nothing tracked, else every
// `detection.intervalFrames` (× the adaptation's scale) frames. A settled class needs the detector
// less: once every detection run over a whole frame's worth of tile rows has found nothing new
// (every face already followed by its landmarks, none moved off its region), the interval
// doubles, up to `detection.maxIntervalFrames`; anything new brings it back at once. A face lost
// from one frame to the next is looked for at once, but only around where it was
// (FaceDetector.detectAround: one window instead of the frame and a row of tiles), so a face that
// FaceMesh keeps losing and the detector keeps finding does not run the whole detector on every
// other frame. In the lane (the daemon on a live camera) a due detection starts on one frame and
// its boxes join the first frame processed after it ends, so tracked faces never wait for it;
// without the lane (replay, tools) a due detection is awaited on its own frame, which keeps a
// replay reproducible.
import type { Mat } from '../../capture/cv.js';
import type { Frame } from '../../capture/frame.js';
import type { Box, Detection } from '../types.js';
import type { FaceDetector } from './face-detector.js';

export interface DetectionScheduleOptions {
  detector: FaceDetector;
  intervalFrames: number;
  /** The longest interval a settled scene backs off to (at or below intervalFrames: none). */
  maxIntervalFrames: number;
  lane: boolean;
}

/** What the frame a detection joined learnt from it (DetectionSchedule.settle). */
export interface DetectionOutcome {
  /** Faces the detection added that FaceMesh now follows. */
  newFaces: number;
  /** Followed faces whose region the detection had to move (they were drifting off). */
  movedFaces: number;
}

/**
 * The settled scale after one more quiet coverage: doubled, up to maxIntervalFrames ÷
 * intervalFrames (the bench's warm-up counts the same steps).
 */
export function backedOffScale(
  scale: number,
  detection: { intervalFrames: number; maxIntervalFrames: number },
): number {
  return Math.min(scale * 2, Math.max(1, detection.maxIntervalFrames / detection.intervalFrames));
}

export class DetectionSchedule {
  private framesSince = Number.POSITIVE_INFINITY;
  private intervalScale = 1;
  /** Doubles after each quiet coverage of the frame, up to maxIntervalFrames ÷ intervalFrames. */
  private settledScale = 1;
  /** Detection runs in a row that found nothing new. */
  private quietRuns = 0;
  /** The last detection was a first look (nothing tracked) or a search around lost faces. */
  private forced = false;
  /** A detection ran, or started in the lane, on the frame `next` was last asked about. */
  private started = false;
  /** The detection running in the lane, and what it found once it is done. */
  private pending:
    | { done: false }
    | { done: true; detections: Detection[] }
    | { done: true; error: unknown }
    | undefined;

  constructor(private readonly options: DetectionScheduleOptions) {}

  /** The detector ran, or was started in the lane, on the last frame `next` was asked about. */
  get startedThisFrame(): boolean {
    return this.started;
  }

  /** Adaptation under load: every `intervalFrames × scale` frames (lost faces still at once). */
  setIntervalScale(scale: number): void {
    if (!(scale >= 1)) throw new Error(`detection interval scale must be >= 1, got ${scale}`);
    this.intervalScale = scale;
  }

  /**
   * Told, on the frame a detection joined, what it brought: nothing new over a whole coverage of
   * the frame doubles the interval; anything new returns it to intervalFrames.
   */
  settle(frame: Frame, outcome: DetectionOutcome): void {
    // A face found again where it was lost was moved there on purpose: only a new face counts.
    if (outcome.newFaces > 0 || (!this.forced && outcome.movedFaces > 0)) {
      this.unsettle();
      return;
    }
    // A search for lost faces or a first look says nothing of a settled class.
    if (this.forced) return;
    this.quietRuns += 1;
    const coverageRuns = this.options.detector.coverageRuns(frame.width, frame.height);
    if (this.quietRuns < Math.max(1, coverageRuns)) return;
    this.quietRuns = 0;
    this.settledScale = backedOffScale(this.settledScale, this.options);
  }

  /**
   * This frame's detections, or undefined when none join it: awaited when due (inline, or with
   * nothing tracked yet), else started in the lane and joined on a later frame. `tracked`: faces
   * followed into this frame; `lost`: the boxes of faces the last frame lost.
   */
  async next(
    frame: Frame,
    tracked: number,
    lost: readonly Box[],
  ): Promise<Detection[] | undefined> {
    this.started = false;
    const pending = this.pending;
    if (pending?.done) {
      this.pending = undefined;
      if ('error' in pending) throw pending.error;
      return pending.detections;
    }
    if (tracked === 0) this.unsettle();
    const due = this.due(tracked);
    if (pending || (!due && lost.length === 0)) {
      this.framesSince += 1;
      return undefined;
    }
    this.started = true;
    this.forced = tracked === 0 || !due;
    const { detector, lane } = this.options;
    // A search around lost faces leaves the cadence of the whole-frame runs as it was.
    if (due) this.framesSince = 0;
    else this.framesSince += 1;
    const search = (image: Mat) =>
      due ? detector.detect(image) : detector.detectAround(image, lost);
    if (!lane || tracked === 0) return search(frame.image);
    // Windows are cut in turn while this frame goes on and is released: the lane cuts from a copy.
    const image = frame.image.copy();
    const running = search(image).finally(() => image.release());
    this.pending = { done: false };
    running.then(
      (detections) => {
        this.pending = { done: true, detections };
      },
      (error: unknown) => {
        this.pending = { done: true, error };
      },
    );
    return undefined;
  }

  private unsettle(): void {
    this.settledScale = 1;
    this.quietRuns = 0;
  }

  private due(tracked: number): boolean {
    const interval = Math.round(
      this.options.intervalFrames * this.settledScale * this.intervalScale,
    );
    return tracked === 0 || this.framesSince + 1 >= interval;
  }
}
