// Observes activation values of an fp32 graph on calibration inputs: the chosen tensors are made
// extra graph outputs of a copy of the model, which onnxruntime then runs on every input. A first
// pass records min/max; a second pass (only when a histogram method is asked for) fills a
// fixed-range histogram per tensor, which percentile and entropy calibration read.
import * as ort from 'onnxruntime-node';
import { cloneModel, encodeModel, type ModelProto, onnx, requireGraph } from './onnx-io.js';

export type Feed = Record<string, ort.Tensor>;

export interface TensorStats {
  min: number;
  max: number;
  /** Counts over [min, max] in equal bins; absent after a min/max-only pass. */
  histogram?: Float64Array;
}

export interface RangeCollectorOptions {
  model: ModelProto;
  tensorNames: string[];
  /** Histogram resolution; 2048 bins keep the percentile error well under one int8 step. */
  bins?: number;
}

export class RangeCollector {
  private readonly model: ModelProto;
  private readonly tensorNames: string[];
  private readonly bins: number;

  constructor(options: RangeCollectorOptions) {
    this.model = options.model;
    this.tensorNames = [...new Set(options.tensorNames)];
    this.bins = options.bins ?? 2048;
  }

  async collect(feeds: Feed[], withHistogram: boolean): Promise<Map<string, TensorStats>> {
    if (feeds.length === 0) throw new Error('calibration needs at least one input');
    const session = await this.openSession();
    try {
      const stats = new Map<string, TensorStats>();
      for (const feed of feeds) {
        const outputs = await session.run(feed, this.fetchNames(feed));
        for (const name of this.tensorNames) {
          const values = tensorValues(outputs[name] ?? feed[name]);
          if (!values) continue;
          const entry = stats.get(name) ?? { min: Number.POSITIVE_INFINITY, max: -Infinity };
          for (let i = 0; i < values.length; i++) {
            const v = values[i] as number;
            if (v < entry.min) entry.min = v;
            if (v > entry.max) entry.max = v;
          }
          stats.set(name, entry);
        }
      }
      if (withHistogram) await this.fillHistograms(session, feeds, stats);
      return stats;
    } finally {
      await session.release();
    }
  }

  private fetchNames(feed: Feed): string[] {
    return this.tensorNames.filter((name) => !(name in feed));
  }

  private async fillHistograms(
    session: ort.InferenceSession,
    feeds: Feed[],
    stats: Map<string, TensorStats>,
  ): Promise<void> {
    for (const entry of stats.values()) entry.histogram = new Float64Array(this.bins);
    for (const feed of feeds) {
      const outputs = await session.run(feed, this.fetchNames(feed));
      for (const [name, entry] of stats) {
        const values = tensorValues(outputs[name] ?? feed[name]);
        const histogram = entry.histogram;
        if (!values || !histogram) continue;
        const width = entry.max - entry.min;
        if (width <= 0) {
          histogram[0] = (histogram[0] ?? 0) + values.length;
          continue;
        }
        const scale = this.bins / width;
        const last = this.bins - 1;
        for (let i = 0; i < values.length; i++) {
          const bin = Math.min(last, Math.floor(((values[i] as number) - entry.min) * scale));
          histogram[bin] = (histogram[bin] ?? 0) + 1;
        }
      }
    }
  }

  private async openSession(): Promise<ort.InferenceSession> {
    const copy = cloneModel(this.model);
    const graph = requireGraph(copy);
    const existing = new Set((graph.output ?? []).map((o) => o.name));
    const inputs = new Set((graph.input ?? []).map((i) => i.name));
    for (const name of this.tensorNames) {
      if (existing.has(name) || inputs.has(name)) continue;
      // Float type is declared; the collector is only asked for float activations.
      graph.output = [
        ...(graph.output ?? []),
        onnx.ValueInfoProto.create({
          name,
          type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } },
        }),
      ];
    }
    // One thread and no graph rewrites: calibration must be reproducible byte for byte and see
    // the tensors by their original names.
    return ort.InferenceSession.create(encodeModel(copy), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
  }
}

function tensorValues(tensor: ort.Tensor | undefined): Float32Array | undefined {
  if (tensor?.type !== 'float32') return undefined;
  return tensor.data as Float32Array;
}
