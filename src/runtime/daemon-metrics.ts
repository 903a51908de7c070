// The daemon's Prometheus metrics (metrics.enabled): read at scrape time from the counters the
// stats line and the health topic already use (FrameStats, the frame source, the adaptation, the
// publisher, the inference pool), plus the per-stage latency histogram, the one metric observed
// per frame (FrameStats windows keep only recent percentiles). Names: docs/operations.md.

import type { MetricSet } from '../metrics/metric-set.js';
import type { FrameObserver } from '../ops/frame-stats.js';
import type { CaptureStatsView, InferenceStatsView } from '../ops/health-types.js';
import type { PublisherStats } from '../publish/types.js';

/** Stage timings from a few ms (crop, landmarks) to seconds (a stalled detector), in seconds. */
const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface DaemonMetricSources {
  frames: () => { processed: number; workerDropped: number; lastFaces: number };
  capture: () => CaptureStatsView;
  /** Frames the adaptation's fps step held back. */
  gatedFrames: () => number;
  publisher: () => PublisherStats;
  inference: () => InferenceStatsView;
}

/** The stage latency histogram, fed by FrameStats (Daemon's frameObserver). */
export function stageLatencyObserver(metrics: MetricSet): FrameObserver {
  const histogram = metrics.histogram({
    name: 'classpulse_stage_latency_seconds',
    help: "Time per processed frame in each pipeline stage ('total': the whole frame).",
    labelNames: ['stage'],
    buckets: LATENCY_BUCKETS_S,
  });
  return {
    frame(timingsMs) {
      for (const [stage, ms] of Object.entries(timingsMs)) histogram.observe({ stage }, ms / 1000);
    },
  };
}

/** Registers every read-on-scrape daemon metric. */
export function registerDaemonMetrics(metrics: MetricSet, sources: DaemonMetricSources): void {
  metrics.counter({
    name: 'classpulse_frames_captured_total',
    help: 'Frames the camera delivered to the pipeline (restarts at 0 when capture restarts).',
    read: () => sources.capture().delivered,
  });
  metrics.counter({
    name: 'classpulse_frames_processed_total',
    help: 'Frames that went all the way through perception.',
    read: () => sources.frames().processed,
  });
  metrics.counter({
    name: 'classpulse_frames_dropped_total',
    help: "Frames read but not processed: 'budget' (fps budget), 'stale' (a newer frame replaced it), 'adaptation' (held back under load), 'worker' (an inference worker died).",
    labelNames: ['reason'],
    read: () => {
      const capture = sources.capture();
      return [
        [{ reason: 'budget' }, capture.skippedBudget],
        [{ reason: 'stale' }, capture.droppedStale],
        [{ reason: 'adaptation' }, sources.gatedFrames()],
        [{ reason: 'worker' }, sources.frames().workerDropped],
      ];
    },
  });
  metrics.counter({
    name: 'classpulse_camera_reopens_total',
    help: 'Times the camera was reopened after a failure.',
    read: () => sources.capture().reopens,
  });
  metrics.gauge({
    name: 'classpulse_camera_open',
    help: '1 while the camera is open, else 0.',
    read: () => (sources.capture().state === 'open' ? 1 : 0),
  });
  metrics.gauge({
    name: 'classpulse_faces_tracked',
    help: 'Faces tracked in the last processed frame.',
    read: () => sources.frames().lastFaces,
  });
  registerPublisherMetrics(metrics, sources.publisher);
  registerInferenceMetrics(metrics, sources.inference);
}

function registerPublisherMetrics(metrics: MetricSet, stats: () => PublisherStats): void {
  metrics.gauge({
    name: 'classpulse_mqtt_connected',
    help: '1 while connected to the broker, else 0.',
    read: () => (stats().connected ? 1 : 0),
  });
  metrics.counter({
    name: 'classpulse_mqtt_reconnects_total',
    help: 'Connections to the broker after the first one.',
    read: () => Math.max(0, stats().connects - 1),
  });
  metrics.gauge({
    name: 'classpulse_mqtt_queue_messages',
    help: 'QoS1 messages in the on-disk queue, not yet acknowledged by the broker.',
    read: () => stats().queueDepth,
  });
  metrics.counter({
    name: 'classpulse_mqtt_messages_sent_total',
    help: 'QoS1 messages the broker acknowledged.',
    read: () => stats().sent,
  });
  metrics.counter({
    name: 'classpulse_mqtt_messages_dropped_total',
    help: "Messages that will never be delivered: 'queue_full' (oldest state at the queue bound), 'rejected' (by the broker), 'refused' (by the privacy guard), 'journal' (queue journal not writable).",
    labelNames: ['reason'],
    read: () => {
      const s = stats();
      return [
        [{ reason: 'queue_full' }, s.droppedState],
        [{ reason: 'rejected' }, s.rejected],
        [{ reason: 'refused' }, s.refused],
        [{ reason: 'journal' }, s.journalErrors],
      ];
    },
  });
}

function registerInferenceMetrics(metrics: MetricSet, stats: () => InferenceStatsView): void {
  metrics.gauge({
    name: 'classpulse_inference_workers',
    help: 'Worker threads running the models.',
    read: () => stats().workers,
  });
  metrics.counter({
    name: 'classpulse_inference_worker_restarts_total',
    help: 'Inference workers replaced after one died.',
    read: () => stats().restarts,
  });
  metrics.counter({
    name: 'classpulse_inference_runs_failed_total',
    help: 'Model runs that failed on a dead worker.',
    read: () => stats().failedRuns,
  });
  metrics.gauge({
    name: 'classpulse_inference_queued_runs',
    help: 'Model runs waiting for a free worker.',
    read: () => stats().queued,
  });
}
