// One inference worker of the pool (inference-pool.ts): its own onnxruntime sessions, opened from
// model bytes the main thread verified against the manifest, each run once on zeros before the
// worker takes tasks (first runs allocate and pick kernels). A task names a model and carries
// float32 feeds; outputs go back with their buffers moved, not copied, and so do the feeds'.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { sessionOptions } from '../models.js';
import type { RunTask, SessionsOpen, TensorData, WorkerModels, WorkerReply } from './protocol.js';

const { models, threads } = workerData as WorkerModels;

async function open(name: string, bytes: Uint8Array): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(bytes, sessionOptions(name, threads));
  // Warm-up: one run on zeros, batch 1 where the batch is free.
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) continue;
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[meta.name] = new ort.Tensor('float32', new Float32Array(size), dims);
  }
  await session.run(feeds);
  return session;
}

const sessions = new Map<string, ort.InferenceSession>();
// The sessions keep what they need of the bytes; emptying workerData's list lets them go (the
// daemon at 30 faces held ~25 MB less with two face workers and the detector's).
for (const model of models.splice(0)) sessions.set(model.name, await open(model.name, model.bytes));
// The pool waits for this before ending the worker (worker-lane.ts).
const opened: SessionsOpen = { classpulseSessionsOpen: true };
parentPort?.postMessage(opened);

export default async function run(task: RunTask): Promise<WorkerReply> {
  const session = sessions.get(task.model);
  if (!session) throw new Error(`inference worker: no model "${task.model}"`);
  if (task.kind === 'describe') {
    return {
      kind: 'describe',
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputMetadata: session.inputMetadata.map((m) =>
        m.isTensor
          ? { name: m.name, isTensor: true, shape: [...m.shape] }
          : { name: m.name, isTensor: false },
      ),
    };
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(task.feeds)) {
    feeds[name] = new ort.Tensor('float32', t.data, t.dims);
  }
  const out = await session.run(feeds);
  const outputs: Record<string, TensorData> = {};
  const buffers: ArrayBuffer[] = [];
  for (const [name, tensor] of Object.entries(out)) {
    if (!(tensor.data instanceof Float32Array)) {
      throw new Error(`model ${task.model}: output '${name}' is not float32`);
    }
    outputs[name] = { dims: [...tensor.dims], data: tensor.data };
    buffers.push(tensor.data.buffer as ArrayBuffer);
  }
  // The inputs go back too: the main thread reuses them instead of allocating per run.
  const inputs = Object.values(task.feeds).map((t) => t.data.buffer as ArrayBuffer);
  buffers.push(...inputs);
  const reply: WorkerReply = { kind: 'run', outputs, inputs };
  // piscina's Transferable, marked by move(): the reply travels with its output buffers moved.
  return move({
    get [transferableSymbol]() {
      return buffers;
    },
    get [valueSymbol]() {
      return reply;
    },
  }) as unknown as WorkerReply;
}
