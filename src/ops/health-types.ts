// The health payload (retained on <base>/health) and the views of the daemon's counters the
// monitor reads. Structural types only: ops never imports the daemon or the publisher (the
// capture counters are the frame source's own type).
import type { FrameSourceStats } from '../capture/frame-source.js';
import type { AdaptationState } from './adaptation-ladder.js';
import type { LatencySummary } from './frame-stats.js';
import type { CpuLoad, DiskUse, MemoryUse } from './system-probe.js';
import type { ThrottleState } from './thermal-probe.js';

/** What FrameStats offers (daemon.stats). */
interface FrameStatsView {
  readonly processed: number;
  /** Frames dropped because an inference worker died under them. */
  readonly workerDropped: number;
  readonly lastFaces: number;
  latency(): Record<string, LatencySummary>;
}

/** What daemon.captureStats() returns: the frame source's own counters. */
export type CaptureStatsView = FrameSourceStats;

/** The part of MqttPublisher.stats() health reports. */
interface PublisherStatsView {
  connected: boolean;
  queueDepth: number;
  droppedState: number;
  sent: number;
  rejected?: number;
  refused?: number;
}

/** The inference pool's counters (InferencePool.stats) and the frames lost to a dead worker. */
export interface InferenceStatsView {
  workers: number;
  restarts: number;
  failedRuns: number;
  queued: number;
}

export interface HealthSources {
  frames: () => FrameStatsView;
  capture: () => CaptureStatsView;
  publisher?: () => PublisherStatsView;
  adaptation?: () => AdaptationState;
  /** Frames the adaptation's fps step held back since start (Adaptation.gatedFrames). */
  gatedFrames?: () => number;
  /** "name source precision sha" per model (modelVersionTable), read once at start-up. */
  models?: () => string[];
  inference?: () => InferenceStatsView;
}

export interface FrameHealth {
  camera: string;
  width: number;
  height: number;
  /** Frames read from the device per second (delivered + skipped by the budget + replaced). */
  inFps: number;
  processedFps: number;
  /** Frames per second read but not processed (budget, stale, adaptation). */
  droppedFps: number;
  delivered: number;
  processed: number;
  skippedBudget: number;
  droppedStale: number;
  gatedAdaptation: number;
  reopens: number;
}

// A type alias, not an interface: it must be assignable to the publisher's
// publishHealth(health: Record<string, unknown>).
export type Health = {
  /** Seconds since the daemon started. */
  uptimeS: number;
  systemUptimeS: number;
  frames: FrameHealth;
  /** Per stage (and 'total'), over the last few hundred frames. */
  latencyMs: Record<string, { p50: number; p95: number }>;
  /** Faces tracked in the last processed frame. */
  tracks: number;
  /** How long ready callbacks waited on the main thread since the previous sample. */
  eventLoopMs: { p50: number; p99: number; max: number };
  /** Worker threads running the models; droppedFrames: frames lost to a worker that died. */
  inference?: InferenceStatsView & { droppedFrames: number };
  publish?: {
    connected: boolean;
    queueDepth: number;
    queueDropped: number;
    sent: number;
    rejected?: number;
    refused?: number;
  };
  cpu: CpuLoad & { tempC?: number; throttle?: ThrottleState };
  memory: MemoryUse;
  disk?: DiskUse;
  adaptation?: {
    level: number;
    step: string;
    reason?: string;
    expressionIntervalScale: number;
    detectionIntervalScale: number;
    fpsScale: number;
  };
  models?: string[];
};
