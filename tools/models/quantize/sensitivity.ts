// Layer sensitivity: quantise everything except one weighted layer, one layer at a time, and rank
// the layers by how much keeping each in float alone brings the model back towards fp32. The few
// most sensitive layers become float-kept candidates.
import type { ModelProto } from './onnx-io.js';
import { WEIGHTED_OPS } from './qdq-plan.js';
import type { QuantizeSettings } from './quantize-model.js';
import type { Feed, TensorStats } from './range-collector.js';
import { type OutputView, selectSettings } from './select-settings.js';

export interface LayerSensitivity {
  node: string;
  /** Error against fp32 with only this layer in float. */
  error: number;
}

export async function rankSensitiveLayers(
  model: ModelProto,
  stats: Map<string, TensorStats>,
  feeds: Feed[],
  settings: QuantizeSettings,
  view: OutputView,
): Promise<LayerSensitivity[]> {
  const layers = (model.graph?.node ?? [])
    .filter((node) => WEIGHTED_OPS.has(node.opType ?? ''))
    .map((node) => node.name ?? '');
  const trial = await selectSettings(
    model,
    stats,
    feeds,
    layers.map((node) => ({ ...settings, floatNodes: [node] })),
    view,
  );
  return trial.candidates
    .map((c, i) => ({ node: layers[i] ?? '', error: c.error }))
    .sort((a, b) => a.error - b.error || a.node.localeCompare(b.node));
}
