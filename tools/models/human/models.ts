/**
 * Registry entries for @vladmandic/human's graph models (MediaPipe BlazeFace back-camera variant,
 * FaceMesh, Iris), converted by the generic TFJS graph converter. Input normalisation is not baked
 * in (it could not be folded into the first conv exactly, because of zero padding); each file says
 * it in metadata_props, and `HUMAN_INPUTS` says it to code:
 *   input = rgb * scale + offset, RGB order, NCHW float32.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelProto } from '../onnx/proto.js';
import { convertGraphModel, type GraphOutput } from '../tfjs/graph-convert.js';
import { readGraphModel } from '../tfjs/graph-model.js';

export const HUMAN_PACKAGE = '@vladmandic/human';

export type HumanModelName = 'blazeface' | 'facemesh' | 'iris';

export interface HumanInputSpec {
  /** NCHW shape; 0 = free batch dimension. */
  shape: number[];
  /** Applied to RGB values 0..255. */
  scale: number;
  offset: number;
}

/** What the pipeline must feed each model (from human's src/face/*.ts preprocessing). */
export const HUMAN_INPUTS: Record<HumanModelName, HumanInputSpec> = {
  // blazeface.ts: resized / 127.5 - 1
  blazeface: { shape: [1, 3, 256, 256], scale: 1 / 127.5, offset: -1 },
  // facemeshutil.ts cutAndResize: crop / 255
  facemesh: { shape: [0, 3, 192, 192], scale: 1 / 255, offset: 0 },
  // iris.ts reuses the facemesh crop (0..1) for 64x64 eye boxes
  iris: { shape: [0, 3, 64, 64], scale: 1 / 255, offset: 0 },
};

export interface HumanModelDef {
  name: HumanModelName;
  role: string;
  file: string;
  outputs: GraphOutput[];
  /** Human-readable description of outputs for metadata. */
  outputsDoc: string;
}

export const HUMAN_MODEL_DEFS: HumanModelDef[] = [
  {
    name: 'blazeface',
    role: 'face-detector',
    file: 'blazeface.json',
    outputs: [
      { tensor: 'Identity_1:0', name: 'scores_384' },
      { tensor: 'Identity_3:0', name: 'boxes_384' },
      { tensor: 'Identity:0', name: 'scores_512' },
      { tensor: 'Identity_2:0', name: 'boxes_512' },
    ],
    outputsDoc:
      'raw logits [1,384|512,1] and regressors [1,384|512,16] (box + 6 keypoints, decoded against ' +
      'anchors as in human src/face/blazeface.ts); human concatenates [512 anchors, 384 anchors], applies sigmoid',
  },
  {
    name: 'facemesh',
    role: 'face-landmarks',
    file: 'facemesh.json',
    outputs: [
      { tensor: 'Identity_2:0', name: 'mesh' },
      { tensor: 'Identity_1:0', name: 'faceflag' },
      { tensor: 'Identity:0', name: 'contours' },
    ],
    outputsDoc:
      'mesh [batch,1404] = 468 x (x,y,z) in 192-px crop space; faceflag [batch,1] (sigmoid); contours [batch,266]',
  },
  {
    name: 'iris',
    role: 'eye-landmarks',
    file: 'iris.json',
    outputs: [{ tensor: 'Identity:0', name: 'iris' }],
    outputsDoc:
      'iris [batch,1,1,228] = 71 eye-contour + 5 iris points x (x,y,z) in 64-px eye-crop space',
  },
];

const require = createRequire(import.meta.url);

/** human's package root; its exports map hides package.json, so walk up from the main entry. */
function humanRoot(): string {
  let dir = dirname(require.resolve(HUMAN_PACKAGE));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'models'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${HUMAN_PACKAGE} package root`);
    dir = up;
  }
  return dir;
}

export function humanModelDir(): string {
  return join(humanRoot(), 'models');
}

export function humanVersion(): string {
  const pkg = JSON.parse(readFileSync(join(humanRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function humanModelPath(name: HumanModelName): string {
  const def = HUMAN_MODEL_DEFS.find((d) => d.name === name);
  if (!def) throw new Error(`unknown human model ${name}`);
  return join(humanModelDir(), def.file);
}

async function build(def: HumanModelDef): Promise<ModelProto> {
  const model = await readGraphModel(join(humanModelDir(), def.file));
  const input = HUMAN_INPUTS[def.name];
  return convertGraphModel({
    model,
    name: def.name,
    inputName: 'input',
    outputs: def.outputs,
    metadata: {
      source: `${HUMAN_PACKAGE}@${humanVersion()}:models/${def.file}`,
      normalisation: `input = rgb * ${input.scale} + ${input.offset} (RGB order, NCHW)`,
      input_scale: String(input.scale),
      input_offset: String(input.offset),
      outputs: def.outputsDoc,
    },
  });
}

export interface HumanModelEntry {
  name: HumanModelName;
  role: string;
  source: string;
  licence: string;
  build(): Promise<ModelProto>;
}

export const humanModels: HumanModelEntry[] = HUMAN_MODEL_DEFS.map((def) => ({
  name: def.name,
  role: def.role,
  source: `${HUMAN_PACKAGE}@${humanVersion()}:models/${def.file}`,
  // Weights are Google MediaPipe models (Apache-2.0) as redistributed by human (MIT).
  licence: 'Apache-2.0 (MediaPipe weights) via MIT-licensed @vladmandic/human',
  build: () => build(def),
}));
