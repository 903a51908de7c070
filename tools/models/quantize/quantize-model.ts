// Static QDQ quantisation of one fp32 ONNX model: plan on a copy, observe the planned activations
// on the original float graph, then rewrite the copy with per-channel int8 weights and calibrated
// 8-bit activations. Statistics are collected once so several calibration methods can be compared.
import {
  type CalibrationChoice,
  needsHistogram,
  rangeFor,
  type TensorRange,
} from './calibrators.js';
import { cloneModel, defaultOpset, type ModelProto, requireGraph } from './onnx-io.js';
import { type ActivationType, type InsertReport, insertQdq } from './qdq-insert.js';
import { planQdq } from './qdq-plan.js';
import { type Feed, RangeCollector, type TensorStats } from './range-collector.js';

export interface QuantizeSettings {
  calibration: CalibrationChoice;
  activationType: ActivationType;
  /** Node names (or first output names) to keep in float. */
  floatNodes?: string[];
  /** What the float nodes are, for reports ("faceflag branch"). */
  floatLabel?: string;
  quantizeTail?: boolean;
}

export interface QuantizeResult {
  model: ModelProto;
  report: InsertReport & { foldedActivations: number; quantizedNodes: number };
}

/** Observes every tensor any setting could quantise, so one pass serves all candidates. */
export async function collectStats(
  model: ModelProto,
  feeds: Feed[],
  histogram: boolean,
): Promise<Map<string, TensorStats>> {
  const plan = planQdq(requireGraph(cloneModel(model)), { quantizeTail: true });
  const collector = new RangeCollector({ model, tensorNames: plan.activations });
  return collector.collect(feeds, histogram);
}

export function quantizeWithStats(
  model: ModelProto,
  stats: Map<string, TensorStats>,
  settings: QuantizeSettings,
): QuantizeResult {
  // Per-axis QuantizeLinear/DequantizeLinear exist from opset 13; raising an older model's opset
  // could silently change other ops' meaning, so refuse instead.
  if (defaultOpset(model) < 13) {
    throw new Error(
      `model ${model.graph?.name}: opset ${defaultOpset(model)} < 13, re-export it at opset 13`,
    );
  }
  const copy = cloneModel(model);
  const graph = requireGraph(copy);
  const plan = planQdq(graph, {
    floatNodes: settings.floatNodes ?? [],
    quantizeTail: settings.quantizeTail ?? false,
  });
  const ranges = new Map<string, TensorRange>();
  for (const name of plan.activations) {
    const entry = stats.get(name);
    if (entry) ranges.set(name, rangeFor(entry, settings.calibration));
  }
  const report = insertQdq({ graph, plan, ranges, activationType: settings.activationType });
  copy.producerName = 'classpulse-quantize';
  return {
    model: copy,
    report: {
      ...report,
      foldedActivations: plan.foldedActivations.length,
      quantizedNodes: plan.quantizedNodes.length,
    },
  };
}

export async function quantizeModel(
  model: ModelProto,
  feeds: Feed[],
  settings: QuantizeSettings,
): Promise<QuantizeResult> {
  const stats = await collectStats(model, feeds, needsHistogram(settings.calibration));
  return quantizeWithStats(model, stats, settings);
}
