// Picks each model's calibration by measured fidelity to fp32 on held-out CALIBRATION pictures
// (never the evaluation images): every candidate is built from the same statistics, run, and
// scored by its worst output's error relative to that output's spread.
import * as ort from 'onnxruntime-node';
import type { CalibrationChoice } from './calibrators.js';
import { encodeModel, type ModelProto } from './onnx-io.js';
import { type QuantizeResult, type QuantizeSettings, quantizeWithStats } from './quantize-model.js';
import type { Feed, TensorStats } from './range-collector.js';

export const CALIBRATION_CANDIDATES: CalibrationChoice[] = [
  { method: 'minmax' },
  { method: 'percentile', percentile: 99.99 },
  { method: 'percentile', percentile: 99.999 },
  { method: 'entropy' },
];

export interface CandidateScore {
  label: string;
  settings: QuantizeSettings;
  /** Worst output's mean |int8 − fp32| over the mean |fp32 − its mean|. */
  error: number;
}

export interface Selection {
  best: CandidateScore;
  result: QuantizeResult;
  candidates: CandidateScore[];
}

export function settingsLabel(settings: QuantizeSettings): string {
  const { method, percentile } = settings.calibration;
  const nodes = settings.floatNodes ?? [];
  const what = settings.floatLabel ?? `from ${nodes[0]}`;
  const float = nodes.length === 0 ? '' : ` float: ${what} (${nodes.length} nodes)`;
  return `${method}${method === 'percentile' ? ` ${percentile}` : ''} ${settings.activationType}${float}`;
}

/**
 * Raw-logit outputs are compared clamped to ±8 (probabilities 0.0003…0.9997): a −9000 vs −800
 * logit is no error, yet unlike probabilities the clamped values keep a useful spread.
 * Probability outputs (a sigmoid face flag) are compared the same way, as clamped logits: on
 * calibration crops that all hold a face they sit at 0.9999…, so their spread is rounding noise
 * and a raw comparison would choose settings by that noise.
 */
export type OutputView = (name: string, values: Float32Array) => Float32Array;

const clamp8 = (v: number): number => Math.max(-8, Math.min(8, v));

export const clampLogits =
  (logits: RegExp, probabilities: RegExp = /^$/): OutputView =>
  (name, values) => {
    if (logits.test(name)) return values.map(clamp8);
    if (probabilities.test(name)) return values.map((p) => clamp8(Math.log(p / (1 - p))));
    return values;
  };

async function runAll(
  modelBytes: Uint8Array,
  feeds: Feed[],
  view: OutputView,
): Promise<Record<string, Float32Array>[]> {
  const session = await ort.InferenceSession.create(modelBytes, { intraOpNumThreads: 1 });
  try {
    const results: Record<string, Float32Array>[] = [];
    for (const feed of feeds) {
      const outputs = await session.run(feed);
      const plain: Record<string, Float32Array> = {};
      for (const [name, tensor] of Object.entries(outputs)) {
        plain[name] = view(name, (tensor.data as Float32Array).slice());
      }
      results.push(plain);
    }
    return results;
  } finally {
    await session.release();
  }
}

export function relativeError(
  reference: Record<string, Float32Array>[],
  candidate: Record<string, Float32Array>[],
): number {
  let worst = 0;
  for (const name of Object.keys(reference[0] ?? {})) {
    const pairs = reference.flatMap((outputs, i) => {
      const a = outputs[name];
      const b = candidate[i]?.[name];
      return a && b ? [{ a, b }] : [];
    });
    // Spread over all samples: single-value outputs (a face flag) have none within one sample.
    let total = 0;
    let count = 0;
    for (const { a } of pairs) for (const v of a) total += v;
    for (const { a } of pairs) count += a.length;
    const mean = total / Math.max(1, count);
    let diff = 0;
    let spread = 0;
    for (const { a, b } of pairs) {
      for (let j = 0; j < a.length; j++) {
        diff += Math.abs((a[j] ?? 0) - (b[j] ?? 0));
        spread += Math.abs((a[j] ?? 0) - mean);
      }
    }
    if (count > 0) worst = Math.max(worst, diff / (spread + 1e-12));
  }
  return worst;
}

export async function selectSettings(
  model: ModelProto,
  stats: Map<string, TensorStats>,
  selectionFeeds: Feed[],
  candidates: QuantizeSettings[],
  view: OutputView = (_, values) => values,
): Promise<Selection> {
  const reference = await runAll(encodeModel(model), selectionFeeds, view);
  let best: { score: CandidateScore; result: QuantizeResult } | undefined;
  const scores: CandidateScore[] = [];
  for (const settings of candidates) {
    const result = quantizeWithStats(model, stats, settings);
    const outputs = await runAll(encodeModel(result.model), selectionFeeds, view);
    const score = {
      label: settingsLabel(settings),
      settings,
      error: relativeError(reference, outputs),
    };
    scores.push(score);
    if (!best || score.error < best.score.error) best = { score, result };
  }
  if (!best) throw new Error('no quantisation candidate to choose from');
  return { best: best.score, result: best.result, candidates: scores };
}
