// The periodic stats line a technician reads in `journalctl -u classpulse`.
import type { Logger } from '../log/logger.js';
import { EventLoopDelay } from '../ops/event-loop-delay.js';
import type { InferenceStatsView } from '../ops/health-types.js';
import type { Daemon } from './daemon.js';

export interface StatsReporterOptions {
  /** 0 turns the periodic line off (the final line is still written). */
  intervalS: number;
  logger: Logger;
  daemon: Daemon;
  /** The inference pool's counters, when the models run in workers. */
  inference?: () => InferenceStatsView;
}

export class StatsReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly eventLoop = new EventLoopDelay();

  constructor(private readonly options: StatsReporterOptions) {}

  start(): void {
    if (this.options.intervalS <= 0) return;
    this.timer = setInterval(() => this.report('periodic'), this.options.intervalS * 1000);
    // The stats line must never keep the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.eventLoop.stop();
  }

  report(kind: 'periodic' | 'final'): void {
    const { daemon, logger } = this.options;
    const capture = daemon.captureStats();
    const inference = this.options.inference?.();
    logger.info(
      {
        kind,
        camera: capture.state,
        frameSize: `${capture.width}x${capture.height}`,
        framesDelivered: capture.delivered,
        framesProcessed: daemon.stats.processed,
        skippedBudget: capture.skippedBudget,
        droppedStale: capture.droppedStale,
        reopens: capture.reopens,
        processedFps: kind === 'final' ? daemon.stats.runRate() : daemon.stats.takeRate(),
        faces: daemon.stats.lastFaces,
        latencyMs: daemon.stats.latency(),
        eventLoopMs: this.eventLoop.take(),
        ...(inference
          ? { inference: { ...inference, droppedFrames: daemon.stats.workerDropped } }
          : {}),
      },
      'stats',
    );
  }
}
