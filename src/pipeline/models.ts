// What the pipeline needs from a model loader: a session per model name. `ModelStore`
// (model-store.ts: manifest, sha256 checks, precision) satisfies it in-process, `InferencePool`
// (inference/) with sessions in worker threads; `Fp32Directory` is a plain loader for a folder of
// `<name>.onnx` files, for tools and tests that run without a manifest.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import type { Config } from '../config/schema.js';

/** The part of an onnxruntime session the pipeline uses; a pooled session offers the same. */
export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  run(feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.ReturnType>;
}

/**
 * Models the pipeline runs on a few faces now and then (when the tracker asks for an embedding or
 * an expression), not on every face every frame.
 */
const OCCASIONAL_MODELS = new Set(['face-embedding', 'expression']);

/** onnxruntime's options for a model's session: the same in-process and in the inference workers. */
export function sessionOptions(name: string, threads: number): ort.InferenceSession.SessionOptions {
  // onnxruntime's CPU arena keeps a session's largest activations for good; for an occasional
  // model that memory mostly sits idle: without it the daemon's perception at 30 faces held ~50 MB
  // less (two workers), for 1.5 ms more per 4-face expression run and 0.2 ms per embedding run
  // (docs/performance.md). The memory pattern (one block planned per input shape) is off for all:
  // with runs of 1 or 2 faces it held ~60–80 MB more at 30 faces for no measurable speed.
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: !OCCASIONAL_MODELS.has(name),
    enableMemPattern: false,
  };
}

export interface SessionSource {
  session(name: string): Promise<ModelSession>;
  /**
   * How many runs execute at once (worker threads); the pipeline splits a frame's faces into this
   * many batches. 1 (or absent) for in-process sessions, where runs are serial anyway.
   */
  readonly parallelism?: number;
  /**
   * Memory for a model input of `length` floats, every element of which the caller writes before
   * the run. The inference pool hands out buffers that come back from its workers after each run
   * (input-buffers.ts); without it, `inputArray` makes a new one.
   */
  inputArray?(length: number): Float32Array;
}

/** An input array from the source's buffers where it keeps some, else a new one. */
export function inputArray(source: SessionSource, length: number): Float32Array {
  return source.inputArray?.(length) ?? new Float32Array(length);
}

export interface Fp32DirectoryOptions {
  /** Folder holding `<name>.onnx`. */
  dir: string;
  /** Intra-op threads per session. */
  threads: number;
}

export class Fp32Directory implements SessionSource {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(private readonly options: Fp32DirectoryOptions) {}

  session(name: string): Promise<ort.InferenceSession> {
    let session = this.sessions.get(name);
    if (!session) {
      const path = join(this.options.dir, `${name}.onnx`);
      if (!existsSync(path)) {
        return Promise.reject(
          new Error(`model file ${path} is missing: run \`npm run models\` to build it`),
        );
      }
      session = ort.InferenceSession.create(path, sessionOptions(name, this.options.threads));
      this.sessions.set(name, session);
    }
    return session;
  }
}

/** The batch size a session accepts: undefined when its first input's batch is dynamic. */
export function fixedBatch(session: ModelSession): number | undefined {
  const meta = session.inputMetadata[0];
  if (!meta?.isTensor) return undefined;
  const first = meta.shape[0];
  return typeof first === 'number' && first > 0 ? first : undefined;
}

/** The models a pipeline with these settings opens (the inference pool loads exactly these). */
export function pipelineModels(config: Pick<Config, 'detection' | 'expression'>): string[] {
  return [
    config.detection.model,
    'facemesh',
    'iris',
    'face-embedding',
    ...(config.expression.enabled ? ['expression'] : []),
  ];
}
