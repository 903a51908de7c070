// Model sessions in pools of worker threads (piscina), behind the same session interface the
// pipeline uses in-process: `session(name).run(feeds)` posts the feeds' buffers to a free worker
// and resolves with its outputs, so the event loop stays free while models run and several runs
// (batches of a frame's faces, detector windows) execute at once on different cores. The face
// models run in `size` workers; the detector, when given its own lane, in one more worker of its
// own, so a detection pass never queues in front of the next frames' faces. Workers open their
// models from bytes verified once here. A worker that dies is replaced by piscina; the runs that
// were on it fail with an InferenceWorkerError, which the daemon counts as a dropped frame.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import type { Piscina } from 'piscina';
import type { Logger } from '../../log/logger.js';
import type { ModelSession, SessionSource } from '../models.js';
import { InferenceWorkerError } from './inference-worker-error.js';
import { InputBuffers } from './input-buffers.js';
import type { RunTask, TensorData, WorkerReply } from './protocol.js';
import { WorkerLane } from './worker-lane.js';

export interface InferencePoolOptions {
  /** Model name → bytes checked against the manifest (ModelStore.verifiedBytes). */
  models: ReadonlyMap<string, Uint8Array>;
  /** Worker threads for the face models (and the detector without a lane of its own). */
  size: number;
  /** The detector model, to run in a one-worker lane of its own. */
  detectorLane?: string;
  /** Intra-op threads per session in each worker. */
  threads: number;
  logger: Logger;
}

export interface InferencePoolStats {
  workers: number;
  /** Workers started after the first ones (a worker died and was replaced). */
  restarts: number;
  /** Runs that failed on a dead worker. */
  failedRuns: number;
  completedRuns: number;
  queued: number;
}

/**
 * The default pool size: one worker per core. The main thread mostly waits for the workers (it
 * cuts crops and runs the trackers), so leaving it a core of its own wastes one: on 2 cores the
 * 30-face bench scene ran 1.02× the single lane with 1 worker, 1.53× with 2 and 1.43× with 3.
 */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

export class InferencePool implements SessionSource {
  readonly parallelism: number;
  private readonly faces: WorkerLane;
  private readonly detector: WorkerLane | undefined;
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  private failedRuns = 0;
  private readonly inputs = new InputBuffers();

  constructor(private readonly options: InferencePoolOptions) {
    this.parallelism = options.size;
    const logger = options.logger.child({ module: 'inference-pool' });
    const all = [...options.models];
    const laned = options.detectorLane;
    const filename = workerFile();
    const lane = (size: number, models: Array<[string, Uint8Array]>) =>
      new WorkerLane({ size, models, threads: options.threads, filename, logger });
    this.faces = lane(
      options.size,
      all.filter(([name]) => name !== laned),
    );
    this.detector =
      laned === undefined
        ? undefined
        : lane(
            1,
            all.filter(([name]) => name === laned),
          );
  }

  session(name: string): Promise<ModelSession> {
    let pending = this.sessions.get(name);
    if (!pending) {
      if (!this.options.models.has(name)) {
        return Promise.reject(new Error(`inference pool: model "${name}" was not loaded`));
      }
      pending = this.describe(name);
      pending.catch(() => this.sessions.delete(name));
      this.sessions.set(name, pending);
    }
    return pending;
  }

  inputArray(length: number): Float32Array {
    return this.inputs.take(length);
  }

  stats(): InferencePoolStats {
    const lanes = [this.faces, ...(this.detector ? [this.detector] : [])];
    const sum = (f: (lane: WorkerLane) => number) => lanes.reduce((n, lane) => n + f(lane), 0);
    return {
      workers: sum((l) => l.pool.threads.length),
      restarts: sum((l) => l.restarts),
      failedRuns: this.failedRuns,
      completedRuns: sum((l) => l.pool.completed),
      queued: sum((l) => l.pool.queueSize),
    };
  }

  /** Waits for runs in flight and for workers still opening their models; ends every worker. */
  async close(): Promise<void> {
    await Promise.all([this.faces.close(), this.detector?.close()]);
  }

  private laneOf(model: string): Piscina<RunTask, WorkerReply> {
    return (
      (model === this.options.detectorLane ? this.detector : undefined)?.pool ?? this.faces.pool
    );
  }

  private async describe(name: string): Promise<ModelSession> {
    const reply = await this.laneOf(name).run({ kind: 'describe', model: name });
    if (reply.kind !== 'describe') throw new Error(`inference pool: bad reply for ${name}`);
    const inputMetadata = reply.inputMetadata.map((m) =>
      m.isTensor
        ? { name: m.name, isTensor: true as const, type: 'float32' as const, shape: m.shape ?? [] }
        : { name: m.name, isTensor: false as const },
    );
    return {
      inputNames: reply.inputNames,
      outputNames: reply.outputNames,
      inputMetadata,
      run: (feeds) => this.run(name, feeds),
    };
  }

  private async run(
    model: string,
    feeds: Record<string, ort.Tensor>,
  ): Promise<Record<string, ort.Tensor>> {
    const sent: Record<string, TensorData> = {};
    const transferList: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(feeds)) {
      const data = tensor.data;
      if (!(data instanceof Float32Array)) {
        throw new Error(`inference pool: feed '${name}' of ${model} is not float32`);
      }
      sent[name] = { dims: [...tensor.dims], data };
      // Feeds are built per call; a view into a larger buffer is copied rather than detached.
      if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) {
        transferList.push(data.buffer as ArrayBuffer);
      }
    }
    let reply: WorkerReply;
    try {
      reply = await this.laneOf(model).run({ kind: 'run', model, feeds: sent }, { transferList });
    } catch (error) {
      this.failedRuns += 1;
      throw new InferenceWorkerError(model, error);
    }
    if (reply.kind !== 'run') throw new Error(`inference pool: bad reply for ${model}`);
    for (const buffer of reply.inputs) this.inputs.give(buffer);
    return Object.fromEntries(
      Object.entries(reply.outputs).map(([name, t]) => [
        name,
        new ort.Tensor('float32', t.data, t.dims),
      ]),
    );
  }
}

/**
 * The compiled worker module: next to this one in dist/, or — when this runs from the TypeScript
 * source (tests, tsx) — the build of it in dist/, since worker threads load plain JavaScript
 * (`npm run build`, which `npm test` runs first).
 */
function workerFile(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(
    fromSource ? '../../../dist/pipeline/inference/inference-worker.js' : './inference-worker.js',
    import.meta.url,
  );
  if (!existsSync(url)) {
    throw new Error(`inference worker ${url.pathname} is missing: run \`npm run build\``);
  }
  return url.href;
}
