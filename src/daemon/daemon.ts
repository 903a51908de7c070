// The daemon's main job: capture → perception → events → sink, until the one shutdown signal
// aborts. The operator can close and reopen the camera (start/stop commands) without a restart.
import { join } from 'node:path';
import type { CameraState, Frame } from '../capture/frame.js';
import { FrameSource, type FrameSourceStats } from '../capture/frame-source.js';
import type { OpenDevice } from '../capture/video-device.js';
import type { Config } from '../config/schema.js';
import type { Event } from '../events/types.js';
import type { Logger } from '../log/logger.js';
import { FrameStats } from '../ops/frame-stats.js';
import type { Box } from '../pipeline/types.js';
import type { EventSink } from './event-sink.js';
import { writeSnapshot } from './snapshot-writer.js';

export interface ProcessedFrame {
  events: Event[];
  faces: number;
  /** Per-stage times of this frame (ms); 'total' is added by the daemon. */
  timingsMs: Record<string, number>;
}

/** Turns a frame into events (pipeline + trackers). Absent: frames are only counted. */
export interface FrameProcessor {
  process(frame: Frame): Promise<ProcessedFrame>;
  /** Live tracks with their boxes (annotated snapshots). */
  boxes(): Array<{ id: string; box: Box }>;
  /** Zero the per-student counters (the reset command). */
  reset(): void;
}

export interface DaemonOptions {
  config: Config;
  logger: Logger;
  sink: EventSink;
  processor?: FrameProcessor;
  /** Replay: pull every frame as fast as possible instead of pacing a file like a camera. */
  paced?: boolean;
  budget?: boolean;
  /** Replay: end the file before this media time (ms). */
  stopAtMs?: number;
  openDevice?: OpenDevice;
  /** Adaptation's frame-rate step: false means skip this frame (it is still released). */
  admit?: () => boolean;
  /** Called after every processed frame with its total time (adaptation, watchdog). */
  onProcessed?: (totalMs: number) => void;
}

export type StopCause = 'signal' | 'end-of-input';

export class Daemon {
  readonly stats = new FrameStats();
  private source: FrameSource;
  private sessionAbort: AbortController | undefined;
  private captureWanted = true;
  private wake: (() => void) | undefined;
  private sourceStartEpochMs = Date.now();
  private snapshotWaiters: Array<{ resolve: (path: string) => void; reject: (e: Error) => void }> =
    [];

  constructor(private options: DaemonOptions) {
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
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      const session = new AbortController();
      this.sessionAbort = session;
      const stopSession = () => session.abort(signal.reason);
      signal.addEventListener('abort', stopSession, { once: true });
      this.sourceStartEpochMs = Date.now();
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

  private async handle(frame: Frame): Promise<void> {
    const { processor, sink } = this.options;
    try {
      if (!processor) {
        this.stats.record({ total: 0 }, 0);
        return;
      }
      if (this.options.admit && !this.options.admit()) return;
      const started = performance.now();
      const result = await processor.process(frame);
      const totalMs = performance.now() - started;
      this.stats.record({ ...result.timingsMs, total: totalMs }, result.faces);
      this.options.onProcessed?.(totalMs);
      const wallMs = this.sourceStartEpochMs + frame.tMs;
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
    const tMs = Date.now() - this.sourceStartEpochMs;
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
    this.wake = undefined;
  }

  /** Operator command: close the camera (the daemon keeps running and publishing status). */
  stopCapture(): void {
    this.captureWanted = false;
    this.sessionAbort?.abort(new Error('stopped by command'));
    for (const waiter of this.snapshotWaiters.splice(0))
      waiter.reject(new Error('the camera was closed before a frame arrived'));
  }

  /** Reload: new camera settings take effect by reopening the source; new processor as given. */
  reconfigure(config: Config, processor: FrameProcessor | undefined): void {
    this.options.config = config;
    this.options.processor = processor;
    this.source = this.makeSource();
    this.sessionAbort?.abort(new Error('reloading'));
  }

  get capturing(): boolean {
    return this.captureWanted;
  }
}
