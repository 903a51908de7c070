// Builds the parts of the daemon from one validated config. `run` and `replay` share this, so a
// replay exercises exactly the perception the daemon runs.
import { modelNames } from '../config/formats.js';
import type { Config } from '../config/schema.js';
import { GalleryError } from '../identity/gallery-format.js';
import { IdentityRuntime } from '../identity/identity-runtime.js';
import { PseudonymKeyError } from '../identity/pseudonym.js';
import type { Logger } from '../log/logger.js';
import { MetricsListenError } from '../metrics/metrics-server.js';
import { defaultPoolSize, InferencePool } from '../pipeline/inference/inference-pool.js';
import { ModelFileError, ModelStore } from '../pipeline/model-store.js';
import { pipelineModels, type SessionSource } from '../pipeline/models.js';
import { Perception, type PerceptionOptions } from '../pipeline/perception.js';
import { Pipeline, type PipelineOptions } from '../pipeline/pipeline.js';
import { MqttConfigError } from '../publish/client-options.js';
import { Classroom } from '../trackers/classroom.js';

export function openModels(config: Config): ModelStore {
  return new ModelStore({
    dir: config.models.dir,
    precision: config.models.precision,
    floatModels: modelNames(config.models.floatModels),
    threads: config.models.threads,
  });
}

/** Inference workers for the face models: models.workers, or one per core when it is 0. */
export function inferenceWorkers(config: Pick<Config, 'models'>): number {
  return config.models.workers > 0 ? config.models.workers : defaultPoolSize();
}

/**
 * The worker threads that run the pipeline's models (inferenceWorkers, plus one for the detector
 * when the pipeline runs it in its lane: a camera played in real time). Every model file is checked
 * against the manifest here (throws ModelFileError), once. `workers` overrides the count (bench).
 */
export function openInferencePool(
  config: Pick<Config, 'models' | 'detection' | 'expression' | 'camera'>,
  models: ModelStore,
  logger: Logger,
  workers = inferenceWorkers(config),
): InferencePool {
  const names = pipelineModels(config);
  const pool = new InferencePool({
    models: new Map(names.map((name) => [name, models.verifiedBytes(name)])),
    size: workers,
    // The detector's own worker: a detection pass never queues in front of tracked faces.
    ...(usesDetectorLane(config) ? { detectorLane: config.detection.model } : {}),
    threads: config.models.threads,
    logger,
  });
  logger.info({ workers: pool.parallelism, models: names }, 'inference workers starting');
  return pool;
}

/**
 * On a camera (or a file played like one) detections join later frames; a replay pulled as fast
 * as it goes awaits them, so its result does not depend on timing.
 */
function usesDetectorLane(config: Pick<Config, 'camera'>): boolean {
  return config.camera.realtime;
}

/**
 * Loads and warms up every model (throws ModelFileError for a missing or tampered file).
 * `sessions`: where the models run (the inference pool in the daemon; the store in-process).
 */
export async function buildPerception(
  config: Config,
  logger: Logger,
  models: ModelStore,
  sessions: SessionSource = models,
): Promise<Perception> {
  const pipeline = await buildPipeline(config, logger, sessions, {
    // Only with a pool: in-process runs block the frame loop, so there is nothing to overlap.
    detectorLane: usesDetectorLane(config) && sessions !== models,
  });
  return new Perception({
    ...perceptionSettings(config, pipeline),
    // Throws GalleryError / PseudonymKeyError: configuration problems (exit 78).
    identity: new IdentityRuntime({ config, models }),
    logger: logger.child({ module: 'identity' }),
  });
}

/** The daemon's pipeline on these sessions, models loaded and warmed up. */
export async function buildPipeline(
  config: Config,
  logger: Logger,
  sessions: SessionSource,
  extra: Pick<PipelineOptions, 'detectorLane' | 'describeEveryFace'> = {},
): Promise<Pipeline> {
  const pipeline = new Pipeline({
    detection: config.detection,
    expression: config.expression,
    models: sessions,
    logger,
    stillMeshEveryFrames: config.tracking.stillMeshEveryFrames,
    irisEveryFrames: config.tracking.irisEveryFrames,
    ...extra,
  });
  await pipeline.init();
  return pipeline;
}

/**
 * Perception's settings from the config around a pipeline: fresh trackers, the class-summary and
 * expression cadences (identity is the caller's: the daemon adds it, `analyze` reads the gallery).
 */
export function perceptionSettings(
  config: Config,
  pipeline: Pipeline,
): Omit<PerceptionOptions, 'identity' | 'logger'> {
  return {
    pipeline,
    classroom: buildClassroom(config),
    classIntervalMs: config.mqtt.classIntervalS * 1000,
    expressionIntervalMs: config.expression.intervalMs,
  };
}

export function buildClassroom(config: Config): Classroom {
  const { tracking, blink, headTurn, expression } = config;
  return new Classroom({ tracking, blink, headTurn, expression });
}

/**
 * Start-up problems a restart cannot fix: bad model files, a bad gallery or pseudonym key, TLS or
 * password files the broker settings name but that cannot be used, a metrics port that cannot be
 * bound (exit 78).
 */
export function isStartupConfigError(error: unknown): error is Error {
  return (
    error instanceof ModelFileError ||
    error instanceof GalleryError ||
    error instanceof PseudonymKeyError ||
    error instanceof MqttConfigError ||
    error instanceof MetricsListenError
  );
}
