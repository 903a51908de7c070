// Latency of each model, fp32 against int8, at 1 and 2 intra-op threads. The two precisions run
// alternately on the same input, so load from other processes falls on both alike; the median
// of the runs is reported.
import * as ort from 'onnxruntime-node';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import { seededValues } from '../quantize/tiny-net.js';

export interface LatencyRow {
  model: string;
  threads: number;
  fp32Ms: number;
  int8Ms: number;
  /** fp32 time over int8 time. */
  speedup: number;
}

export interface LatencyOptions {
  dir: string;
  models: string[];
  threads: number[];
  runs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function inputFor(store: ModelStore, model: string): Record<string, ort.Tensor> {
  const info = store.info(model);
  // A batch of one where the batch is symbolic.
  const dims = info.input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const count = dims.reduce((a, b) => a * b, 1);
  // Mid-grey with texture, in the model's value range (0..255 or scaled by the manifest's note).
  const values = seededValues(count, 7).map((v) => 128 + 60 * v);
  const normalised = /input = rgb \* ([\d.e-]+) \+ ([\d.e-]+)/.exec(info.input.normalisation);
  if (normalised) {
    const scale = Number(normalised[1]);
    const offset = Number(normalised[2]);
    for (let i = 0; i < count; i++) values[i] = (values[i] ?? 0) * scale + offset;
  }
  return { [info.input.name]: new ort.Tensor('float32', values, dims) };
}

export async function measureLatency(options: LatencyOptions): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const threads of options.threads) {
    const fp32 = new ModelStore({ dir: options.dir, precision: 'fp32', threads });
    const int8 = new ModelStore({ dir: options.dir, precision: 'int8', threads });
    for (const model of options.models) {
      const feed = inputFor(fp32, model);
      const a = await fp32.session(model);
      const b = await int8.session(model);
      for (let i = 0; i < 3; i++) {
        await a.run(feed);
        await b.run(feed);
      }
      const ta: number[] = [];
      const tb: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        let t0 = performance.now();
        await a.run(feed);
        ta.push(performance.now() - t0);
        t0 = performance.now();
        await b.run(feed);
        tb.push(performance.now() - t0);
      }
      const fp32Ms = median(ta);
      const int8Ms = median(tb);
      rows.push({ model, threads, fp32Ms, int8Ms, speedup: fp32Ms / int8Ms });
    }
    await fp32.close();
    await int8.close();
  }
  return rows;
}
