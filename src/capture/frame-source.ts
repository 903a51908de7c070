// Frames at a fixed budget from any source. Live sources (and files played in real time) are read
// by a producer that never waits for the pipeline: the newest frame wins (LatestSlot) and what it
// replaces is counted. Files in replay are pulled, frame by frame, as fast as the consumer goes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { CameraState, Frame } from './frame.js';
import { FrameGrid } from './frame-grid.js';
import { LatestSlot } from './latest-slot.js';
import { endsOnItsOwn, parseSource, type SourceSpec } from './source-spec.js';
import { type OpenDevice, openCvDevice, type VideoDevice } from './video-device.js';

export interface FrameSourceOptions {
  camera: Config['camera'];
  logger: Logger;
  /** Pull every frame as fast as the consumer asks (replay); files only. Default: camera.realtime. */
  paced?: boolean;
  /** Apply the camera.fps budget. Default true; replay turns it off unless asked. */
  budget?: boolean;
  onState?: (state: CameraState, reason?: string) => void;
  /** Files: end before the first frame at or after this media time (ms). */
  stopAtMs?: number;
  /** Injected in tests: the hardware boundary. */
  openDevice?: OpenDevice;
}

export interface FrameSourceStats {
  state: CameraState;
  /** Frames handed to the consumer. */
  delivered: number;
  /** Frames read but skipped to keep to the fps budget. */
  skippedBudget: number;
  /** Frames replaced by a newer one before the consumer took them. */
  droppedStale: number;
  reopens: number;
  width: number;
  height: number;
}

/** What a file says about itself once open (0 where unknown). */
export interface MediaInfo {
  nativeFps: number;
  frameCount: number;
}

/** Frames whose intervals offeredIntervalMs takes the median of (about 1–2 s of frames). */
const OFFERED_WINDOW = 16;

/** Thrown when a file source does not exist or cannot be decoded at all. */
export class SourceUnavailableError extends Error {}

export class FrameSource {
  readonly spec: SourceSpec;
  private readonly openDevice: OpenDevice;
  private readonly paced: boolean;
  private readonly budgetMs: number;
  private seq = 0;
  private mediaInfo: MediaInfo = { nativeFps: 0, frameCount: 0 };
  /** The fps budget's slots, from media/monotonic time 0. */
  private readonly budgetGrid = new FrameGrid(0);
  /** Times of the last frames the budget admitted (offeredIntervalMs), oldest first. */
  private readonly offeredAtMs: number[] = [];
  /** The newest-frame slot of the paced frames() running now; its drops join droppedStale. */
  private slot: LatestSlot<Frame> | undefined;
  private readonly counters: FrameSourceStats = {
    state: 'stopped',
    delivered: 0,
    skippedBudget: 0,
    droppedStale: 0,
    reopens: 0,
    width: 0,
    height: 0,
  };

  constructor(private readonly options: FrameSourceOptions) {
    this.spec = parseSource(options.camera.source);
    this.openDevice = options.openDevice ?? openCvDevice;
    this.paced = endsOnItsOwn(this.spec) ? (options.paced ?? options.camera.realtime) : true;
    this.budgetMs = options.budget === false ? 0 : 1000 / options.camera.fps;
  }

  stats(): FrameSourceStats {
    // Stale frames are counted as they are replaced, so health and the stats line see them while
    // the camera runs, not only once it stops.
    return {
      ...this.counters,
      droppedStale: this.counters.droppedStale + (this.slot?.dropped ?? 0),
    };
  }

  /**
   * The median interval between the last frames the source offered (after the fps budget, before
   * the consumer took or missed them): 1000 / camera.fps on a source that keeps up, longer on a
   * camera that delivers fewer frames (low light) or a file recorded at a lower rate. Adaptation
   * judges a frame's time against it: a 10 fps source leaves each frame 100 ms, not 67.
   */
  offeredIntervalMs(): number {
    const times = this.offeredAtMs;
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    gaps.sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)];
    return Math.max(this.budgetMs, median ?? 0);
  }

  /** The open file's frame rate and length (`analyze` sizes its progress bar by it). */
  media(): MediaInfo {
    return { ...this.mediaInfo };
  }

  /** Frames until the signal aborts or a file ends (onEnd: stop). */
  async *frames(signal: AbortSignal): AsyncGenerator<Frame> {
    if (!this.paced) {
      yield* this.pull(signal);
      return;
    }
    const slot = new LatestSlot<Frame>((frame) => frame.image.release());
    this.slot = slot;
    const producer = this.produce(slot, signal).finally(() => slot.close());
    try {
      for (;;) {
        const frame = await slot.take(signal);
        if (!frame) break;
        this.counters.delivered++;
        yield frame;
      }
    } finally {
      await producer;
      this.counters.droppedStale += slot.dropped;
      this.slot = undefined;
    }
  }

  private setState(state: CameraState, reason?: string): void {
    if (this.counters.state === state) return;
    this.counters.state = state;
    this.options.logger.info({ camera: this.spec.label, state, reason }, `camera ${state}`);
    this.options.onState?.(state, reason);
  }

  /** Opens the device, retrying live sources with capped exponential backoff. */
  private async open(signal: AbortSignal): Promise<VideoDevice | undefined> {
    const { reopenMinMs, reopenMaxMs } = this.options.camera;
    let delayMs = reopenMinMs;
    for (let attempt = 1; !signal.aborted; attempt++) {
      if (this.counters.state === 'stopped') this.setState('opening');
      try {
        const device = this.openDevice(this.spec, this.options.camera);
        this.counters.width = device.width;
        this.counters.height = device.height;
        this.mediaInfo = { nativeFps: device.nativeFps, frameCount: device.frameCount ?? 0 };
        return device;
      } catch (error) {
        // OpenCV throws plain strings as well as Errors.
        const reason = error instanceof Error ? error.message : String(error);
        if (endsOnItsOwn(this.spec)) throw new SourceUnavailableError(reason);
        this.setState('lost', reason);
        this.options.logger.warn({ attempt, retryInMs: delayMs, reason }, 'camera open failed');
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
        delayMs = Math.min(delayMs * 2, reopenMaxMs);
      }
    }
    return undefined;
  }

  private makeFrame(image: Frame['image'], tMs: number): Frame {
    return { seq: ++this.seq, tMs, width: image.cols, height: image.rows, image };
  }

  /** Budget gate on the frame's own time: true when this frame may be used. */
  private admit(tMs: number): boolean {
    if (this.budgetMs > 0 && !this.budgetGrid.pass(tMs, this.budgetMs, 0.5)) {
      this.counters.skippedBudget++;
      return false;
    }
    this.offeredAtMs.push(tMs);
    if (this.offeredAtMs.length > OFFERED_WINDOW) this.offeredAtMs.shift();
    return true;
  }

  private async produce(slot: LatestSlot<Frame>, signal: AbortSignal): Promise<void> {
    const startedMs = performance.now();
    let mediaBaseMs = 0;
    while (!signal.aborted) {
      const device = await this.open(signal);
      if (!device) return;
      const wasLost = this.counters.state === 'lost';
      this.setState('open', wasLost ? 'recovered' : undefined);
      const fileFrameMs = device.nativeFps > 0 ? 1000 / device.nativeFps : 40;
      let index = 0;
      let ended = false;
      try {
        while (!signal.aborted) {
          const image = await device.read();
          if (!image) {
            ended = true;
            break;
          }
          let tMs: number;
          if (endsOnItsOwn(this.spec)) {
            tMs = mediaBaseMs + index * fileFrameMs;
            index++;
            // A file plays like a camera: wait until its frame is "captured".
            const waitMs = startedMs + tMs - performance.now();
            if (waitMs > 1) await sleep(waitMs, undefined, { signal }).catch(() => undefined);
          } else {
            tMs = performance.now() - startedMs;
          }
          if (this.admit(tMs)) slot.put(this.makeFrame(image, tMs));
          else image.release();
        }
      } finally {
        device.release();
      }
      if (signal.aborted) break;
      if (endsOnItsOwn(this.spec)) {
        if (!ended || this.options.camera.onEnd === 'stop') {
          this.setState('ended', 'end of file');
          return;
        }
        mediaBaseMs += index * fileFrameMs;
        this.counters.reopens++;
        continue;
      }
      this.counters.reopens++;
      this.setState('lost', 'no frames from the device');
    }
    this.setState('stopped', signal.reason instanceof Error ? signal.reason.message : 'stopped');
  }

  /** Replay: every frame in order, media time from the file's own rate, no waiting. */
  private async *pull(signal: AbortSignal): AsyncGenerator<Frame> {
    const device = await this.open(signal);
    if (!device) return;
    this.setState('open');
    const frameMs = device.nativeFps > 0 ? 1000 / device.nativeFps : 40;
    try {
      for (let index = 0; !signal.aborted; index++) {
        const tMs = index * frameMs;
        // Stop before decoding a frame past the limit: such frames are never even looked at.
        if (tMs >= (this.options.stopAtMs ?? Number.POSITIVE_INFINITY)) break;
        const image = await device.read();
        if (!image) break;
        if (!this.admit(tMs)) {
          image.release();
          continue;
        }
        this.counters.delivered++;
        yield this.makeFrame(image, tMs);
      }
    } finally {
      device.release();
    }
    this.setState(signal.aborted ? 'stopped' : 'ended', signal.aborted ? 'stopped' : 'end of file');
  }
}
