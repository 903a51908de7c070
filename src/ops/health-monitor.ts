// Periodic health telemetry: frame rates, per-stage latency, tracks, publisher queue, CPU load,
// temperature and throttling, memory, disk, uptime, adaptation level and model versions. Every
// read is cheap and asynchronous; a slow sample never overlaps the next one and never delays a
// frame. Rates are computed from counter differences here, so FrameStats.takeRate() stays the
// stats line's own.
import os from 'node:os';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { EventLoopDelay } from './event-loop-delay.js';
import type { FrameHealth, Health, HealthSources } from './health-types.js';
import { cpuLoad, diskUse, memoryUse } from './system-probe.js';
import type { ThermalProbe } from './thermal-probe.js';

export interface HealthMonitorOptions {
  health: Pick<Config['health'], 'intervalS'>;
  /** device.stateDir: the disk that fills up (queue, gallery). */
  stateDir: string;
  logger: Logger;
  sources: HealthSources;
  thermal: Pick<ThermalProbe, 'temperatureC' | 'throttle'>;
  /** Monotonic clock in ms (tests pass a fake one). */
  now?: () => number;
}

interface CounterMark {
  atMs: number;
  read: number;
  processed: number;
  dropped: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export class HealthMonitor {
  private readonly options: HealthMonitorOptions;
  private readonly now: () => number;
  private readonly startedMs: number;
  private mark: CounterMark;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  private readonly eventLoop = new EventLoopDelay();

  constructor(options: HealthMonitorOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.startedMs = this.now();
    this.mark = this.counters();
  }

  /** Publish a sample every health.intervalS; a sample still running skips the next tick. */
  start(publish: (health: Health) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.sampling) return;
      this.sampling = true;
      this.sample()
        .then(publish)
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'health sample failed'))
        .finally(() => {
          this.sampling = false;
        });
    }, this.options.health.intervalS * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.eventLoop.stop();
  }

  async sample(): Promise<Health> {
    const { sources, thermal, stateDir, logger } = this.options;
    const [tempC, disk] = await Promise.all([thermal.temperatureC(), diskUse(stateDir, logger)]);
    const frames = this.frameHealth();
    const latency = sources.frames().latency();
    const publisher = sources.publisher?.();
    const adaptation = sources.adaptation?.();
    const inference = sources.inference?.();
    const loop = this.eventLoop.take();
    const throttle = thermal.throttle;
    return {
      uptimeS: Math.round((this.now() - this.startedMs) / 1000),
      systemUptimeS: Math.round(os.uptime()),
      frames,
      latencyMs: Object.fromEntries(
        Object.entries(latency).map(([stage, s]) => [stage, { p50: s.p50Ms, p95: s.p95Ms }]),
      ),
      tracks: sources.frames().lastFaces,
      eventLoopMs: { p50: loop.p50Ms, p99: loop.p99Ms, max: loop.maxMs },
      ...(inference
        ? { inference: { ...inference, droppedFrames: sources.frames().workerDropped } }
        : {}),
      ...(publisher
        ? {
            publish: {
              connected: publisher.connected,
              queueDepth: publisher.queueDepth,
              queueDropped: publisher.droppedState,
              sent: publisher.sent,
              ...(publisher.rejected === undefined ? {} : { rejected: publisher.rejected }),
              ...(publisher.refused === undefined ? {} : { refused: publisher.refused }),
            },
          }
        : {}),
      cpu: {
        ...cpuLoad(),
        ...(tempC === undefined ? {} : { tempC }),
        ...(throttle ? { throttle } : {}),
      },
      memory: memoryUse(),
      ...(disk ? { disk } : {}),
      ...(adaptation
        ? {
            adaptation: {
              level: adaptation.level,
              step: adaptation.name,
              ...(adaptation.reason ? { reason: adaptation.reason } : {}),
              expressionIntervalScale: adaptation.expressionIntervalScale,
              detectionIntervalScale: adaptation.detectionIntervalScale,
              fpsScale: adaptation.fpsScale,
            },
          }
        : {}),
      ...(sources.models ? { models: sources.models() } : {}),
    };
  }

  private counters(): CounterMark {
    const { sources } = this.options;
    const capture = sources.capture();
    const gated = sources.gatedFrames?.() ?? 0;
    return {
      atMs: this.now(),
      read: capture.delivered + capture.skippedBudget + capture.droppedStale,
      processed: sources.frames().processed,
      dropped: capture.skippedBudget + capture.droppedStale + gated,
    };
  }

  /** Counters plus rates since the previous sample. */
  private frameHealth(): FrameHealth {
    const { sources } = this.options;
    const capture = sources.capture();
    const current = this.counters();
    const elapsedS = (current.atMs - this.mark.atMs) / 1000;
    const rate = (delta: number) => (elapsedS > 0 ? round1(Math.max(0, delta) / elapsedS) : 0);
    const health: FrameHealth = {
      camera: capture.state,
      width: capture.width,
      height: capture.height,
      inFps: rate(current.read - this.mark.read),
      processedFps: rate(current.processed - this.mark.processed),
      droppedFps: rate(current.dropped - this.mark.dropped),
      delivered: capture.delivered,
      processed: current.processed,
      skippedBudget: capture.skippedBudget,
      droppedStale: capture.droppedStale,
      gatedAdaptation: sources.gatedFrames?.() ?? 0,
      reopens: capture.reopens,
    };
    this.mark = current;
    return health;
  }
}

/** One line for systemd's STATUS= (shown by `systemctl status classpulse`). */
export function healthStatusLine(health: Health): string {
  const parts = [
    `camera ${health.frames.camera}`,
    `${health.frames.processedFps} fps`,
    `${health.tracks} faces`,
  ];
  if (health.adaptation) parts.push(`level ${health.adaptation.level} (${health.adaptation.step})`);
  if (health.cpu.tempC !== undefined) parts.push(`${health.cpu.tempC}°C`);
  if (health.cpu.throttle?.now.length) parts.push(health.cpu.throttle.now.join('+'));
  if (health.publish) parts.push(health.publish.connected ? 'mqtt up' : 'mqtt down');
  return parts.join(', ');
}
