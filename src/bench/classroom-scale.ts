// The bench's classroom-scale section: the synthetic classroom at growing face counts, played
// frame by frame through the daemon's perception in one lane (models in-process on the main
// thread) and through the inference pool, interleaved on the same frames. Gives the frame rates
// per face count, the pool's speed-up and the event-loop delay while the pool works.
import type { ProgressBar } from '../cli/progress-bar.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { FaceCrop } from './classroom-scene.js';
import { classroomScene, playInterleaved } from './scenes.js';
import { mean, median, round } from './stats.js';
import { buildVariant, type FrameSample } from './variants.js';

interface ScaleRow {
  faces: number;
  /** Faces the pool's pipeline reported (median per frame). */
  found: number;
  laneMs: number;
  poolMs: number;
  /** 1000 ÷ mean pool frame time: frames per second processed back to back. */
  poolFps: number;
  /** The lane's median ms per stage (in-process: each stage's own cost, nothing overlapping). */
  laneStagesMs: Record<string, number>;
}

export interface ScaleReport {
  workers: number;
  /** Pool fps at 30 faces. */
  classroom30Fps: number;
  /** The most faces (of the counts measured) processed at >= 10 fps with the pool. */
  facesAt10Fps: number;
  /** Mean lane frame time ÷ mean pool frame time at 30 faces (same frames). */
  workersSpeedup: number;
  /** Event-loop delay p99 (ms) over the pool's frames at 30 faces. */
  eventLoopP99Ms: number;
  rows: ScaleRow[];
}

export interface ScaleOptions {
  config: Config;
  logger: Logger;
  crops: readonly FaceCrop[];
  faceCounts: number[];
  warmUpFrames: number;
  measuredFrames: number;
  /** Pool size (models.workers resolved). */
  workers: number;
  tiles: number;
  progress: ProgressBar;
}

export async function runClassroomScale(options: ScaleOptions): Promise<ScaleReport> {
  const { config, logger, workers, progress } = options;
  const build = { config, logger, detection: { tiles: options.tiles } };
  const { precision, floatModels } = config.models;
  const lane = await buildVariant({ key: 'lane', precision, floatModels }, build);
  const pool = await buildVariant({ key: 'pool', precision, floatModels, workers }, build);
  const loop = new LoopProbe();
  const rows: ScaleRow[] = [];
  let loopP99Ms = 0;
  try {
    for (const faces of options.faceCounts) {
      const scene = classroomScene(options.crops, faces, {
        measuredFrames: options.measuredFrames,
        warmUpFrames: options.warmUpFrames,
      });
      progress.step(`lane/pool: ${scene.name}`);
      const samples = { lane: [] as FrameSample[], pool: [] as FrameSample[] };
      const atMax = faces === Math.max(...options.faceCounts);
      await playInterleaved(
        scene,
        [lane, pool],
        (f) => {
          progress.tick(2);
          if (f.warmUp) return;
          for (const key of ['lane', 'pool'] as const) {
            const sample = f.samples.get(key);
            if (sample) samples[key].push(sample);
          }
        },
        // The delay is sampled only while the pool works: a lane frame blocks the loop by design.
        atMax
          ? {
              before: (v) => {
                if (v === pool) loop.start();
              },
              after: () => loop.stop(),
            }
          : {},
      );
      if (atMax) loopP99Ms = loop.p99Ms();
      const poolMs = mean(samples.pool.map((s) => s.endToEndMs));
      rows.push({
        faces,
        found: median(samples.pool.map((s) => s.faces)),
        laneMs: round(mean(samples.lane.map((s) => s.endToEndMs))),
        poolMs: round(poolMs),
        poolFps: round(1000 / poolMs),
        laneStagesMs: Object.fromEntries(
          Object.keys(samples.lane[0]?.stagesMs ?? {}).map((stage) => [
            stage,
            round(median(samples.lane.map((s) => s.stagesMs[stage] ?? 0))),
          ]),
        ),
      });
    }
  } finally {
    loop.stop();
    await lane.close();
    await pool.close();
  }
  const at30 = rows.find((r) => r.faces === 30) ?? rows.at(-1);
  return {
    workers,
    classroom30Fps: at30?.poolFps ?? 0,
    facesAt10Fps: Math.max(0, ...rows.filter((r) => r.poolFps >= 10).map((r) => r.faces)),
    workersSpeedup: at30 ? round(at30.laneMs / at30.poolMs) : 0,
    eventLoopP99Ms: round(loopP99Ms),
    rows,
  };
}

/**
 * Event-loop delay while a pool frame runs: a timer due every PROBE_MS records how late it fires
 * (what MQTT keepalive or a command would wait). Started and stopped around each pool frame;
 * nothing is measured while it is stopped, so the lane's frames, which block by design, are not.
 */
class LoopProbe {
  private readonly delaysMs: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.stop();
    const tick = (dueMs: number) => {
      this.timer = setTimeout(() => {
        const now = performance.now();
        this.delaysMs.push(Math.max(0, now - dueMs));
        tick(now + PROBE_MS);
      }, PROBE_MS);
    };
    tick(performance.now() + PROBE_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  p99Ms(): number {
    const sorted = [...this.delaysMs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;
  }
}

const PROBE_MS = 5;
