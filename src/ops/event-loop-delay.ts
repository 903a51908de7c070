// Event-loop delay (perf_hooks.monitorEventLoopDelay): how long ready callbacks — MQTT keepalive,
// commands, health, the watchdog — waited behind other work on the main thread. Each reader owns
// one monitor and takes its window's percentiles, which resets it.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelaySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Sampling resolution: the histogram is fed every this many ms. */
const RESOLUTION_MS = 10;

export class EventLoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({
    resolution: RESOLUTION_MS,
  });

  constructor() {
    this.histogram.enable();
  }

  /** Percentiles since the previous take (ms, 0.1 ms steps), then a fresh window. */
  take(): EventLoopDelaySummary {
    const h = this.histogram;
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e5) / 10 : 0);
    const summary =
      h.count === 0
        ? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
        : { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
    h.reset();
    return summary;
  }

  stop(): void {
    this.histogram.disable();
  }
}
