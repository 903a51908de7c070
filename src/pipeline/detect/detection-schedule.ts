// When the detector runs and which frame its boxes join: at once with nothing tracked or after a
// track was lost, else every `detection.intervalFrames` (× the adaptation's scale) frames. In the
// lane (the daemon on a live camera) a due detection starts on one frame and its boxes join the
// first frame processed after it ends, so tracked faces never wait for it; without the lane
// (replay, tools) a due detection is awaited on its own frame, which keeps a replay reproducible.
import type { Frame } from '../../capture/frame.js';
import type { Detection } from '../types.js';
import type { FaceDetector } from './face-detector.js';

export interface DetectionScheduleOptions {
  detector: FaceDetector;
  intervalFrames: number;
  lane: boolean;
}

export class DetectionSchedule {
  private framesSince = Number.POSITIVE_INFINITY;
  private intervalScale = 1;
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
    if (pending || !this.due(tracked, trackLost)) {
      this.framesSince += 1;
      return undefined;
    }
    this.framesSince = 0;
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

  private due(tracked: number, trackLost: boolean): boolean {
    const interval = Math.round(this.options.intervalFrames * this.intervalScale);
    return tracked === 0 || trackLost || this.framesSince + 1 >= interval;
  }
}
