// The pipelines the bench compares, each a complete Perception (pipeline + the daemon's trackers)
// over its own model store, with model calls timed. Built like src/daemon/wiring.ts builds the
// daemon's, so the bench measures what `classpulse run` runs.
import type { Frame } from '../capture/frame.js';
import { modelNames } from '../config/formats.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { type ModelPrecision, ModelStore } from '../pipeline/model-store.js';
import { Perception } from '../pipeline/perception.js';
import { Pipeline, type PipelineOptions, type PipelineResult } from '../pipeline/pipeline.js';
import type { TrackHint } from '../pipeline/types.js';
import { buildClassroom, openInferencePool } from '../runtime/wiring.js';
import { TimedModels } from './timed-models.js';

export interface VariantSpec {
  /** Short key used in the report, e.g. "int8". */
  key: string;
  precision: ModelPrecision;
  /** models.floatModels for this variant (comma list; '' = none). */
  floatModels: string;
  /** Ask for an embedding on every face on every frame (the naive pipeline without reuse). */
  embedEveryFrame?: boolean;
  /** Run the models in an inference pool of this many workers (absent: in-process, one lane). */
  workers?: number;
}

/**
 * The daemon's Pipeline, remembering its last result (to compare outputs between variants) and,
 * for the naive variant, asking for an embedding on every face whatever the tracker says.
 */
class BenchPipeline extends Pipeline {
  last: PipelineResult | undefined;

  constructor(
    options: PipelineOptions,
    private readonly embedEveryFrame: boolean,
  ) {
    super(options);
  }

  override async process(frame: Frame, hints: TrackHint[]): Promise<PipelineResult> {
    const asked = this.embedEveryFrame ? hints.map((h) => ({ ...h, needsEmbedding: true })) : hints;
    this.last = await super.process(frame, asked);
    return this.last;
  }
}

export interface Variant {
  spec: VariantSpec;
  /** Replaced by `restart()`. */
  perception: Perception;
  pipeline: BenchPipeline;
  models: TimedModels;
  /**
   * New trackers for a new scene. Perception.reset() is the MQTT `reset` command (counters only,
   * tracks stay), which would carry the last scene's faces into the next one as lost tracks.
   */
  restart(): void;
  close(): Promise<void>;
}

export interface VariantBuildOptions {
  config: Config;
  logger: Logger;
  /** Overrides of the detection section (the tfjs comparison detects on every frame). */
  detection?: Partial<Config['detection']>;
}

export async function buildVariant(
  spec: VariantSpec,
  options: VariantBuildOptions,
): Promise<Variant> {
  const { config, logger } = options;
  const store = new ModelStore({
    dir: config.models.dir,
    precision: spec.precision,
    floatModels: modelNames(spec.floatModels),
    threads: config.models.threads,
  });
  const detection = { ...config.detection, ...options.detection };
  // The scale section awaits detections on their own frame (camera.realtime off: no detector
  // lane), so no work is hidden between frames.
  const pool =
    spec.workers === undefined
      ? undefined
      : openInferencePool(
          { ...config, detection, camera: { ...config.camera, realtime: false } },
          store,
          logger,
          spec.workers,
        );
  // With a pool, model time is time spent waiting for workers (runs overlap): not comparable.
  const models = new TimedModels(pool ?? store);
  const pipeline = new BenchPipeline(
    {
      detection,
      expression: config.expression,
      models,
      logger,
      stillMeshEveryFrames: config.tracking.stillMeshEveryFrames,
      irisEveryFrames: config.tracking.irisEveryFrames,
    },
    spec.embedEveryFrame ?? false,
  );
  await pipeline.init();
  models.take();
  const newPerception = () =>
    new Perception({
      pipeline,
      classroom: buildClassroom(config),
      classIntervalMs: config.mqtt.classIntervalS * 1000,
      expressionIntervalMs: config.expression.intervalMs,
    });
  const variant: Variant = {
    spec,
    perception: newPerception(),
    pipeline,
    models,
    restart: () => {
      variant.perception = newPerception();
    },
    close: async () => {
      await pool?.close();
      await store.close();
    },
  };
  return variant;
}

/** One frame through one variant: wall time of the whole Perception step and its model share. */
export interface FrameSample {
  endToEndMs: number;
  modelMs: number;
  stagesMs: Record<string, number>;
  faces: number;
  /** The detector ran on this frame (variants' trackers can disagree on when it must). */
  detected: boolean;
}

export async function runFrame(variant: Variant, frame: Frame): Promise<FrameSample> {
  variant.models.take();
  const t0 = performance.now();
  const processed = await variant.perception.process(frame);
  const endToEndMs = performance.now() - t0;
  return {
    endToEndMs,
    modelMs: variant.models.take(),
    stagesMs: { ...processed.timingsMs },
    faces: variant.pipeline.last?.observations.length ?? 0,
    detected: variant.pipeline.last?.detected ?? false,
  };
}
