// Builds models/int8/<name>.onnx from models/fp32/<name>.onnx: calibration pictures → statistics
// → the best calibration method on held-out calibration pictures → QDQ model, and a record of
// what was chosen and what onnxruntime fused, for the manifest.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fp32Directory } from '../../../src/pipeline/models.js';
import { CALIBRATION_SPECS, feedsFor, paddedFrames } from './calibration-feeds.js';
import { type CalibrationImage, loadCalibrationImages } from './calibration-images.js';
import { floatCandidates } from './float-candidates.js';
import { countFusedOps, type FusedOpCount } from './fused-ops.js';
import { decodeModel, encodeModel } from './onnx-io.js';
import { pipelineFeeds } from './pipeline-feeds.js';
import { collectStats, type QuantizeSettings } from './quantize-model.js';
import type { Feed } from './range-collector.js';
import {
  CALIBRATION_CANDIDATES,
  type CandidateScore,
  clampLogits,
  selectSettings,
} from './select-settings.js';

export interface Int8BuildOptions {
  fp32Dir: string;
  int8Dir: string;
  /** Frames taken evenly from the first 100 s of franck.mp4 (plus all allowed stills). */
  videoFrames?: number;
  log?: (line: string) => void;
}

export interface Int8BuildRecord {
  name: string;
  settings: QuantizeSettings;
  calibrationSamples: number;
  selectionSamples: number;
  candidates: { label: string; error: number }[];
  fused: FusedOpCount;
  quantizedNodes: number;
  foldedActivations: number;
}

/** At most `count` items, evenly spread over the list (video frames and stills alike). */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from(
    { length: count },
    (_, i) => items[Math.floor((i * items.length) / count)] as T,
  );
}

/** Most pictures per model: enough for stable ranges, few enough to keep `npm run models` short. */
const MAX_CALIBRATION = 48;
const MAX_SELECTION = 24;

export async function buildInt8(
  names: string[],
  options: Int8BuildOptions,
): Promise<Int8BuildRecord[]> {
  const log = options.log ?? (() => {});
  const images: CalibrationImage[] = loadCalibrationImages(options.videoFrames ?? 40);
  // Alternate pictures between calibration and choosing settings, so both see video and stills
  // and no picture serves both.
  const halves = {
    calibration: images.filter((_, i) => i % 2 === 0),
    selection: images.filter((_, i) => i % 2 === 1),
  };
  const fp32 = new Fp32Directory({ dir: options.fp32Dir, threads: 1 });
  const recorded = {
    calibration: await pipelineFeeds(halves.calibration, fp32),
    selection: await pipelineFeeds(halves.selection, fp32),
  };
  mkdirSync(options.int8Dir, { recursive: true });
  const records: Int8BuildRecord[] = [];
  for (const name of names) {
    const spec = CALIBRATION_SPECS[name];
    if (!spec) throw new Error(`no calibration spec for model "${name}" (calibration-feeds.ts)`);
    const model = decodeModel(readFileSync(join(options.fp32Dir, `${name}.onnx`)));
    const feedsOf = (half: 'calibration' | 'selection'): Feed[] =>
      spec.kind === 'frame'
        ? feedsFor(model, paddedFrames(halves[half]))
        : (recorded[half].get(name) ?? []);
    const calibration = spread(feedsOf('calibration'), MAX_CALIBRATION);
    const selection = spread(feedsOf('selection'), MAX_SELECTION);
    if (calibration.length === 0 || selection.length === 0) {
      throw new Error(`model "${name}": the fp32 pipeline produced no calibration inputs`);
    }
    const stats = await collectStats(model, calibration, true);
    const base: QuantizeSettings[] = CALIBRATION_CANDIDATES.map((calibration) => ({
      calibration,
      activationType: 'uint8',
    }));
    const view = clampLogits(spec.logitOutputs ?? /^$/, spec.probabilityOutputs);
    const first = await selectSettings(model, stats, selection, base, view);
    let chosen = first;
    const candidates: CandidateScore[] = [...first.candidates];
    const floatSets = floatCandidates(model);
    if (floatSets.length > 0) {
      const trial = await selectSettings(
        model,
        stats,
        selection,
        floatSets.map((c) => ({
          ...first.best.settings,
          floatNodes: c.nodes,
          floatLabel: c.label,
        })),
        view,
      );
      candidates.push(...trial.candidates);
      // A float layer costs speed: keep it only for a clear (≥ 25 %) accuracy gain.
      if (trial.best.error < first.best.error * 0.75) chosen = trial;
    }
    const bytes = encodeModel(chosen.result.model);
    writeFileSync(join(options.int8Dir, `${name}.onnx`), bytes);
    const fused = await countFusedOps(bytes);
    log(
      `${name}: ${chosen.best.label} (error ${chosen.best.error.toFixed(4)}), int8 kernels ${fused.int8Kernels}, float conv/gemm ${fused.floatCompute}`,
    );
    records.push({
      name,
      settings: chosen.best.settings,
      calibrationSamples: calibration.length,
      selectionSamples: selection.length,
      candidates: candidates.map((c) => ({
        label: c.label,
        error: Number(c.error.toPrecision(4)),
      })),
      fused,
      quantizedNodes: chosen.result.report.quantizedNodes,
      foldedActivations: chosen.result.report.foldedActivations,
    });
  }
  return records;
}
