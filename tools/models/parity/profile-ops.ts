/**
 * Where one model's time goes, fp32 against int8: onnxruntime's own profiler over N runs, summed
 * per kernel type and listed for the slowest nodes (with the input shapes the profiler records),
 * so a latency ratio in docs/models.md can be traced to the kernels behind it.
 *   npx tsx tools/models/parity/profile-ops.ts <model> [--runs N] [--top N]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import { inputFor } from './measure-latency.js';

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[] };
}

export interface KernelProfile {
  /** Microseconds per run, by kernel type (QLinearConv, Conv, …). */
  byOp: Map<string, number>;
  /** The slowest nodes: microseconds per run, kernel type, input shapes. */
  nodes: { name: string; op: string; us: number; shapes: string }[];
}

export async function profileKernels(
  store: ModelStore,
  model: string,
  runs: number,
): Promise<KernelProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'classpulse-profile-'));
  try {
    const session = await ort.InferenceSession.create(store.verifiedBytes(model), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      enableProfiling: true,
      profileFilePrefix: join(dir, 'p'),
    });
    const feed = inputFor(store, model);
    for (let i = 0; i < runs; i++) await session.run(feed);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile for ${model}`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
    const byOp = new Map<string, number>();
    const byNode = new Map<string, { op: string; us: number; shapes: string }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const op = e.args?.op_name ?? '?';
      byOp.set(op, (byOp.get(op) ?? 0) + e.dur / runs);
      const name = e.name.slice(0, -'_kernel_time'.length);
      const shapes = JSON.stringify(
        (e.args?.input_type_shape ?? []).map((s) => Object.values(s)[0]),
      );
      const node = byNode.get(name) ?? { op, us: 0, shapes };
      node.us += e.dur / runs;
      byNode.set(name, node);
    }
    const nodes = [...byNode.entries()]
      .map(([name, n]) => ({ name, ...n }))
      .sort((a, b) => b.us - a.us);
    return { byOp, nodes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string', default: '100' }, top: { type: 'string', default: '12' } },
  });
  const model = positionals[0];
  if (!model) throw new Error('usage: profile-ops.ts <model> [--runs N] [--top N]');
  for (const precision of ['fp32', 'int8'] as const) {
    const store = new ModelStore({ dir: 'models', precision, threads: 1 });
    const profile = await profileKernels(store, model, Number(values.runs));
    const total = [...profile.byOp.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`\n${model} ${precision}: ${total.toFixed(0)} µs of kernels per run\n`);
    for (const [op, us] of [...profile.byOp].sort((a, b) => b[1] - a[1])) {
      process.stdout.write(`  ${op.padEnd(20)} ${us.toFixed(0).padStart(6)} µs\n`);
    }
    process.stdout.write('  slowest nodes:\n');
    for (const n of profile.nodes.slice(0, Number(values.top))) {
      process.stdout.write(
        `  ${n.us.toFixed(0).padStart(6)} µs ${n.op.padEnd(16)} ${n.shapes.slice(0, 90)}\n`,
      );
    }
    await store.close();
  }
}
