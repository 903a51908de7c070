// The metrics module on its own: names follow Prometheus conventions (checked when registered),
// values are read from their sources at scrape time, the text format, the HTTP endpoint, and
// docs/operations.md listing every daemon metric.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricSet } from '../../../src/metrics/metric-set.js';
import { MetricsListenError, MetricsServer } from '../../../src/metrics/metrics-server.js';
import {
  type DaemonMetricSources,
  registerDaemonMetrics,
  stageLatencyObserver,
} from '../../../src/runtime/daemon-metrics.js';

const logger = pino({ level: 'silent' });

/** One sample's value from the text format, by its series (name{labels}). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function fakeSources(counters: { processed: number; connects: number }): DaemonMetricSources {
  return {
    frames: () => ({ processed: counters.processed, workerDropped: 1, lastFaces: 3 }),
    capture: () => ({
      state: 'open',
      delivered: counters.processed + 7,
      skippedBudget: 4,
      droppedStale: 2,
      reopens: 0,
      width: 640,
      height: 480,
    }),
    gatedFrames: () => 5,
    publisher: () => ({
      connected: true,
      queueDepth: 12,
      inflight: 1,
      sent: 40,
      droppedState: 0,
      rejected: 0,
      refused: 0,
      journalErrors: 0,
      suppressedAlerts: 0,
      lastSeq: 52,
      connects: counters.connects,
    }),
    inference: () => ({ workers: 2, restarts: 1, failedRuns: 1, queued: 0 }),
  };
}

describe('MetricSet', () => {
  it('refuses names against the conventions', () => {
    const metrics = new MetricSet({ processMetrics: false });
    expect(() => metrics.counter({ name: 'frames', help: 'x', read: () => 1 })).toThrow(/_total/);
    expect(() => metrics.gauge({ name: 'queue_total', help: 'x', read: () => 1 })).toThrow(
      /not a counter/,
    );
    expect(() => metrics.gauge({ name: 'Queue-Depth', help: 'x', read: () => 1 })).toThrow(
      /snake_case/,
    );
  });

  it('reads the daemon counters at scrape time, with labels, units and the histogram', async () => {
    const metrics = new MetricSet({ processMetrics: false });
    const counters = { processed: 10, connects: 1 };
    const latency = stageLatencyObserver(metrics);
    registerDaemonMetrics(metrics, fakeSources(counters));
    latency.frame({ detect: 20, total: 45 });
    latency.frame({ detect: 30, total: 700 });

    let text = await metrics.text();
    expect(sample(text, 'classpulse_frames_processed_total')).toBe(10);
    expect(sample(text, 'classpulse_mqtt_reconnects_total')).toBe(0);
    expect(sample(text, 'classpulse_frames_dropped_total{reason="adaptation"}')).toBe(5);
    expect(sample(text, 'classpulse_frames_dropped_total{reason="worker"}')).toBe(1);
    expect(sample(text, 'classpulse_mqtt_queue_messages')).toBe(12);
    expect(sample(text, 'classpulse_faces_tracked')).toBe(3);
    expect(sample(text, 'classpulse_stage_latency_seconds_count{stage="total"}')).toBe(2);
    expect(sample(text, 'classpulse_stage_latency_seconds_sum{stage="total"}')).toBeCloseTo(0.745);
    expect(sample(text, 'classpulse_stage_latency_seconds_bucket{le="0.05",stage="total"}')).toBe(
      1,
    );
    expect(text).toMatch(/^# TYPE classpulse_frames_processed_total counter$/m);
    expect(text).toMatch(/^# TYPE classpulse_stage_latency_seconds histogram$/m);

    counters.processed = 25;
    counters.connects = 3;
    text = await metrics.text();
    expect(sample(text, 'classpulse_frames_processed_total')).toBe(25);
    expect(sample(text, 'classpulse_mqtt_reconnects_total')).toBe(2);
  });

  it('has the process metrics, event-loop delay included, in its own registry', async () => {
    const a = new MetricSet();
    const b = new MetricSet();
    const text = await a.text();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p50_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    b.gauge({ name: 'only_in_b', help: 'x', read: () => 1 });
    expect(await a.text()).not.toContain('only_in_b');
  });

  it('is documented: docs/operations.md lists every daemon metric', () => {
    const metrics = new MetricSet({ processMetrics: false });
    stageLatencyObserver(metrics);
    registerDaemonMetrics(metrics, fakeSources({ processed: 0, connects: 0 }));
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/operations.md'), 'utf8');
    const names = metrics.registry.getMetricsAsArray().map((m) => m.name);
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(doc, name).toContain(`\`${name}\``);
  });
});

describe('MetricsServer', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('serves /metrics on loopback and nothing else', async () => {
    const metrics = new MetricSet({ processMetrics: false });
    metrics.gauge({ name: 'test_up', help: 'x', read: () => 1 });
    server = new MetricsServer({ metrics, host: '127.0.0.1', port: 0, logger });
    const url = await server.start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(await ok.text(), 'test_up')).toBe(1);
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });

  it('names the address when the port is taken', async () => {
    const metrics = new MetricSet({ processMetrics: false });
    server = new MetricsServer({ metrics, host: '127.0.0.1', port: 0, logger });
    const port = Number(new URL(await server.start()).port);
    const second = new MetricsServer({ metrics, host: '127.0.0.1', port, logger });
    await expect(second.start()).rejects.toThrow(MetricsListenError);
    await expect(second.start()).rejects.toThrow(`127.0.0.1:${port}`);
  });
});
