// The daemon's main job: capture → perception → events → sink, until the one shutdown signal
// aborts. The operator can close and reopen the camera (start/stop commands) without a restart.
import { join } from 'node:path';
import type { CameraState, Frame } from '../capture/frame.js';
import { FrameSource, type FrameSourceStats } from '../capture/frame-source.js';
import type { OpenDevice } from '../capture/video-device.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { type FrameObserver, FrameStats } from '../ops/frame-stats.js';
import { InferenceWorkerError } from '../pipeline/inference/inference-worker-error.js';
import type { FrameProcessor, PerceptionKnobs, ProcessedFrame } from '../pipeline/perception.js';
import type { EventSink } from './event-sink.js';
import { writeSnapshot } from './snapshot-writer.js';

/**
 * Adaptation's hold on the frame loop (src/ops/adaptation.ts): `admit` before a frame (false skips
 * it: the fps step), `observe` after it with its total time and the source's frame interval,
 * returning the knobs the daemon applies to whichever processor is current — after a reload that
 * is the new one.
 */
interface FrameGate {
  admit(tMs: number, offeredIntervalMs: number): boolean;
  observe(totalMs: number, offeredIntervalMs: number): PerceptionKnobs;
}

export interface DaemonOptions {
  config: Config;
  logger: Logger;
  sink: EventSink;
  /** Absent: frames are only counted. */
  processor?: FrameProcessor;
  /** Replay: pull every frame as fast as possible instead of pacing a file like a camera. */
  paced?: boolean;
  budget?: boolean;
  /** Replay: end the file before this media time (ms). */
  stopAtMs?: number;
  openDevice?: OpenDevice;
  /** Adaptation; absent in replay (every frame the budget admits is processed as configured). */
  gate?: FrameGate;
  /** Sees every processed frame's stage timings (the metrics histogram, when metrics are on). */
  frameObserver?: FrameObserver;
}

export type StopCause = 'signal' | 'end-of-input';

export class Daemon {
  readonly stats: FrameStats;
  private source: FrameSource;
  private sessionAbort: AbortController | undefined;
  private captureWanted = true;
  private wake: (() => void) | undefined;
  /** Wall clock at the first capture session's start: frame time 0. */
  private epochMs = Date.now();
  private sessions = 0;
  /**
   * Added to a session's frame times, which start at 0 with every new source: frame time runs on
   * across stop/start and reload, so trackers and perception's timers never see it go back.
   */
  private sessionOffsetMs = 0;
  private lastTMs = 0;
  private snapshotWaiters: Array<{ resolve: (path: string) => void; reject: (e: Error) => void }> =
    [];
  /** The knobs adaptation last chose; a processor swapped in by reload starts with them. */
  private knobs: PerceptionKnobs | undefined;

  constructor(private options: DaemonOptions) {
    this.stats = new FrameStats({ observer: options.frameObserver });
    this.source = this.makeSource();
  }

  private makeSource(): FrameSource {
    const { config, logger, openDevice, paced, budget, stopAtMs } = this.options;
    return new FrameSource({
      camera: config.camera,
      logger: logger.child({ module: 'capture' }),
      ...(paced === undefined ? {} : { paced }),
      ...(budget === undefined ? {} : { budget }),
      ...(stopAtMs === undefined ? {} : { stopAtMs }),
      ...(openDevice ? { openDevice } : {}),
      onState: (state, reason) => this.onCameraState(state, reason),
    });
  }

  captureStats(): FrameSourceStats {
    return this.source.stats();
  }

  /** Runs until `signal` aborts or a file source ends with camera.onEnd 'stop'. */
  async run(signal: AbortSignal): Promise<StopCause> {
    while (!signal.aborted) {
      if (!this.captureWanted) {
        await this.waitForStart(signal);
        continue;
      }
      const session = new AbortController();
      this.sessionAbort = session;
      const stopSession = () => session.abort(signal.reason);
      signal.addEventListener('abort', stopSession, { once: true });
      if (this.sessions === 0) this.epochMs = Date.now();
      else {
        this.sessionOffsetMs = Math.max(Date.now() - this.epochMs, this.lastTMs + 1);
        // The publisher forgot every student when the camera closed: report them afresh.
        this.options.processor?.resume();
      }
      this.sessions += 1;
      try {
        for await (const frame of this.source.frames(session.signal)) {
          await this.handle(frame);
        }
      } finally {
        signal.removeEventListener('abort', stopSession);
        this.sessionAbort = undefined;
      }
      // The source ended on its own (file, onEnd: stop) rather than being stopped.
      if (!session.signal.aborted) return 'end-of-input';
    }
    return 'signal';
  }

  /** Until startCapture() or shutdown; the abort listener goes when the wait ends either way. */
  private waitForStart(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async handle(sourced: Frame): Promise<void> {
    const { processor, sink, gate } = this.options;
    const frame =
      this.sessionOffsetMs === 0
        ? sourced
        : { ...sourced, tMs: sourced.tMs + this.sessionOffsetMs };
    this.lastTMs = frame.tMs;
    try {
      if (!processor) {
        this.stats.record({ total: 0 }, 0);
        return;
      }
      // Only adaptation reads it (replay has none).
      const offeredIntervalMs = gate ? this.source.offeredIntervalMs() : 0;
      if (gate && !gate.admit(frame.tMs, offeredIntervalMs)) return;
      const started = performance.now();
      let result: ProcessedFrame;
      try {
        result = await processor.process(frame);
      } catch (error) {
        if (!(error instanceof InferenceWorkerError)) throw error;
        // Nothing of this frame reached the trackers: drop it whole, count it, go on.
        this.stats.workerDropped += 1;
        this.options.logger.warn(
          { err: error, frame: frame.seq },
          'frame dropped: inference worker failed',
        );
        return;
      }
      const totalMs = performance.now() - started;
      this.stats.record({ ...result.timingsMs, total: totalMs }, result.faces);
      if (gate) {
        this.knobs = gate.observe(totalMs, offeredIntervalMs);
        // The processor that made this frame may have been replaced meanwhile (reload).
        this.options.processor?.adapt(this.knobs);
      }
      const wallMs = this.epochMs + frame.tMs;
      for (const event of result.events) sink.publish(event, wallMs);
      if (this.snapshotWaiters.length > 0) await this.snapshot(frame, processor, wallMs);
    } finally {
      frame.image.release();
    }
  }

  /** Annotates and writes the current frame for every waiting snapshot command. */
  private async snapshot(frame: Frame, processor: FrameProcessor, wallMs: number): Promise<void> {
    const waiters = this.snapshotWaiters;
    this.snapshotWaiters = [];
    try {
      const path = await writeSnapshot({
        image: frame.image,
        boxes: processor.boxes(),
        dir: join(this.options.config.device.stateDir, 'snapshots'),
        wallMs,
      });
      for (const waiter of waiters) waiter.resolve(path);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error as Error);
    }
  }

  /** Operator command: write the next processed frame, annotated, on the device. */
  requestSnapshot(): Promise<string> {
    if (!this.captureWanted || !this.options.processor)
      return Promise.reject(new Error('the camera is closed: send start first'));
    return new Promise((resolve, reject) => this.snapshotWaiters.push({ resolve, reject }));
  }

  /** Operator command: zero the per-student counters. */
  resetCounters(): void {
    this.options.processor?.reset();
  }

  private onCameraState(state: CameraState, reason?: string): void {
    const { sink } = this.options;
    sink.setCamera(state, reason);
    const tMs = Date.now() - this.epochMs;
    if (state === 'lost') {
      sink.publish(
        { type: 'alert', tMs, alert: 'camera-lost', reason: reason ?? 'camera lost' },
        Date.now(),
      );
    } else if (state === 'open' && reason === 'recovered') {
      sink.publish({ type: 'alert', tMs, alert: 'camera-recovered', reason }, Date.now());
    }
  }

  /** Operator command: open the camera again. */
  startCapture(): void {
    this.captureWanted = true;
    this.wake?.();
  }

  /** Operator command: close the camera (the daemon keeps running and publishing status). */
  stopCapture(): void {
    this.captureWanted = false;
    this.sessionAbort?.abort(new Error('stopped by command'));
    for (const waiter of this.snapshotWaiters.splice(0))
      waiter.reject(new Error('the camera was closed before a frame arrived'));
  }

  /**
   * Reload: new camera settings take effect by reopening the source; the processor given becomes
   * the only live one and starts at the adaptation level the old one had reached.
   */
  reconfigure(config: Config, processor: FrameProcessor | undefined): void {
    this.options.config = config;
    this.options.processor = processor;
    if (processor && this.knobs) processor.adapt(this.knobs);
    this.source = this.makeSource();
    this.sessionAbort?.abort(new Error('reloading'));
  }

  /** The one live processor (replaced by reconfigure). */
  get processor(): FrameProcessor | undefined {
    return this.options.processor;
  }

  get capturing(): boolean {
    return this.captureWanted;
  }
}
