// The quantiser end to end on a small conv net with seeded weights: calibration → QDQ graph →
// onnxruntime. Inputs for calibration and for checking are disjoint seeds.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel } from '../../tools/models/onnx/proto.js';
import { countFusedOps } from '../../tools/models/quantize/fused-ops.js';
import {
  collectStats,
  type QuantizeSettings,
  quantizeWithStats,
} from '../../tools/models/quantize/quantize-model.js';
import type { TensorStats } from '../../tools/models/quantize/range-collector.js';
import { buildTinyNet, tinyNetFeeds } from '../../tools/models/quantize/tiny-net.js';

const model = buildTinyNet();
let stats: Map<string, TensorStats>;

beforeAll(async () => {
  stats = await collectStats(model, tinyNetFeeds(16, 100), true);
});

async function meanRelativeError(bytes: Uint8Array): Promise<number> {
  const float = await ort.InferenceSession.create(encodeModel(model));
  const int8 = await ort.InferenceSession.create(bytes);
  let diff = 0;
  let magnitude = 0;
  for (const feed of tinyNetFeeds(8, 999)) {
    const a = (await float.run(feed)).scores?.data as Float32Array;
    const b = (await int8.run(feed)).scores?.data as Float32Array;
    for (let i = 0; i < a.length; i++) {
      diff += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
      magnitude += Math.abs(a[i] ?? 0);
    }
  }
  return diff / magnitude;
}

const percentile: QuantizeSettings = {
  calibration: { method: 'percentile', percentile: 99.99 },
  activationType: 'uint8',
};

describe('static QDQ quantiser on a small conv net', () => {
  it('stays within 2 % of fp32 with min-max and percentile calibration', async () => {
    for (const method of ['minmax', 'percentile'] as const) {
      const { model: q } = quantizeWithStats(model, stats, {
        ...percentile,
        calibration: { method, percentile: 99.99 },
      });
      expect(await meanRelativeError(encodeModel(q))).toBeLessThan(0.02);
    }
  });

  it('folds ReLU/Clip and quantises every conv, the residual add and the classifier', () => {
    const { report } = quantizeWithStats(model, stats, percentile);
    expect(report.foldedActivations).toBe(2);
    expect(report.quantizedWeights).toBe(4);
    expect(report.uncalibrated).toEqual([]);
  });

  it('onnxruntime fuses it into int8 kernels with no float conv left', async () => {
    const { model: q } = quantizeWithStats(model, stats, percentile);
    const fused = await countFusedOps(encodeModel(q));
    expect(fused.ops.QLinearConv).toBe(3);
    expect(fused.ops.QLinearAdd).toBe(1);
    expect(fused.ops.QGemm).toBe(1);
    expect(fused.floatCompute).toBe(0);
  });

  it('keeps a named layer in float when asked', async () => {
    const { model: q, report } = quantizeWithStats(model, stats, {
      ...percentile,
      floatNodes: ['Gemm'],
    });
    expect(report.quantizedWeights).toBe(3);
    const fused = await countFusedOps(encodeModel(q));
    expect(fused.ops.QGemm).toBeUndefined();
    expect(fused.floatCompute).toBeGreaterThanOrEqual(1);
  });

  it('a float layer between Q/DQ pairs is quantised again by onnxruntime (why only tails stay float)', async () => {
    const { model: q } = quantizeWithStats(model, stats, { ...percentile, floatNodes: ['Conv_2'] });
    const fused = await countFusedOps(encodeModel(q));
    expect(fused.ops.QLinearConv).toBe(3);
    expect(fused.floatCompute).toBe(0);
  });

  it('is deterministic: same statistics and settings give the same bytes', async () => {
    const again = await collectStats(model, tinyNetFeeds(16, 100), true);
    const a = encodeModel(quantizeWithStats(model, stats, percentile).model);
    const b = encodeModel(quantizeWithStats(model, again, percentile).model);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});
