// When the detector runs and which frame its boxes join: at once with nothing tracked or after a
// track was lost, else every `detection.intervalFrames` (× the adaptation's scale) frames. A
// settled class needs the detector less: once every detection run over a whole frame's worth of
// tile rows has found nothing new (every face already followed by its landmarks, none moved off
// its region), the interval doubles, up to `detection.maxIntervalFrames`; anything new brings it
// back at once. In the lane (the daemon on a live camera) a due detection starts on one frame and
// its boxes join the first frame processed after it ends, so tracked faces never wait for it;
// without the lane (replay, tools) a due detection is awaited on its own frame, which keeps a
// replay reproducible.
import type { Frame } from '../../capture/frame.js';
import type { Detection } from '../types.js';
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
  /** Detection runs one coverage of this frame takes (rows of tiles). */
  coverageRuns: number;
}

export class DetectionSchedule {
  private framesSince = Number.POSITIVE_INFINITY;
  private intervalScale = 1;
  /** Doubles after each quiet coverage of the frame, up to maxIntervalFrames ÷ intervalFrames. */
  private settledScale = 1;
  /** Detection runs in a row that found nothing new. */
  private quietRuns = 0;
  /** The last detection ran because nothing was tracked or a track was lost. */
  private forced = false;
  /** The detection running in the lane, and what it found once it is done. */
  private pending:
    | { done: false }
    | { done: true; detections: Detection[] }
    | { done: true; error: unknown }
    | undefined;

  constructor(private readonly options: DetectionScheduleOptions) {}

  /** The detector ran, or was started in the lane, on the last frame `next` was asked about. */
  get startedThisFrame(): boolean {
    return this.framesSince === 0;
  }

  /** Adaptation under load: every `intervalFrames × scale` frames (losses still trigger at once). */
  setIntervalScale(scale: number): void {
    if (!(scale >= 1)) throw new Error(`detection interval scale must be >= 1, got ${scale}`);
    this.intervalScale = scale;
  }

  /** Frames between detections now, before the adaptation's scale (for tests and health). */
  get settledIntervalFrames(): number {
    return Math.round(this.options.intervalFrames * this.settledScale);
  }

  /**
   * Told, on the frame a detection joined, what it brought: nothing new over a whole coverage of
   * the frame doubles the interval; anything new returns it to intervalFrames.
   */
  settle(outcome: DetectionOutcome): void {
    if (outcome.newFaces > 0 || outcome.movedFaces > 0) {
      this.unsettle();
      return;
    }
    // A run forced by a loss found the face it looked for; that says nothing of a settled class.
    if (this.forced) return;
    this.quietRuns += 1;
    if (this.quietRuns < Math.max(1, outcome.coverageRuns)) return;
    this.quietRuns = 0;
    const { intervalFrames, maxIntervalFrames } = this.options;
    const most = Math.max(1, maxIntervalFrames / intervalFrames);
    this.settledScale = Math.min(this.settledScale * 2, most);
  }

  /**
   * This frame's detections, or undefined when none join it: awaited when due (inline, or with
   * nothing tracked yet), else started in the lane and joined on a later frame. `tracked`: faces
   * followed into this frame; `trackLost`: the last frame lost one.
   */
  async next(frame: Frame, tracked: number, trackLost: boolean): Promise<Detection[] | undefined> {
    const pending = this.pending;
    if (pending?.done) {
      this.pending = undefined;
      if ('error' in pending) throw pending.error;
      return pending.detections;
    }
    if (tracked === 0 || trackLost) this.unsettle();
    if (pending || !this.due(tracked, trackLost)) {
      this.framesSince += 1;
      return undefined;
    }
    this.framesSince = 0;
    this.forced = tracked === 0 || trackLost;
    const { detector, lane } = this.options;
    if (!lane || tracked === 0) return detector.detect(frame.image);
    // Windows are cut in turn while this frame goes on and is released: the lane cuts from a copy.
    const image = frame.image.copy();
    const running = detector.detect(image).finally(() => image.release());
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

  private due(tracked: number, trackLost: boolean): boolean {
    const interval = Math.round(
      this.options.intervalFrames * this.settledScale * this.intervalScale,
    );
    return tracked === 0 || trackLost || this.framesSince + 1 >= interval;
  }
}
