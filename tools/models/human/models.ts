/**
 * Registry entries for @vladmandic/human's graph models, converted by the generic TFJS graph
 * converter (tools/models/tfjs/graph-convert.ts). `humanModels` (blazeface, facemesh, iris) go into
 * the shared registry; `humanExtraModels` (emotion, faceres) are converted on request only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelProto } from '../onnx/proto.js';
import { convertGraphModel } from '../tfjs/graph-convert.js';
import { readGraphModel } from '../tfjs/graph-model.js';
import {
  HUMAN_MODEL_DEFS,
  type HumanModelDef,
  type HumanModelName,
  humanModelDef,
} from './defs.js';

export const HUMAN_PACKAGE = '@vladmandic/human';

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

export function humanVersion(): string {
  const pkg = JSON.parse(readFileSync(join(humanRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function humanModelPath(name: HumanModelName): string {
  return join(humanRoot(), 'models', humanModelDef(name).file);
}

async function build(def: HumanModelDef): Promise<ModelProto> {
  const model = await readGraphModel(humanModelPath(def.name));
  const { scale, offset, colour } = def.input;
  return convertGraphModel({
    model,
    name: def.name,
    inputName: 'input',
    outputs: def.outputs,
    freeBatch: def.freeBatch ?? false,
    metadata: {
      source: sourceOf(def),
      normalisation: `input = ${colour === 'grey' ? 'grey(0.2989R+0.587G+0.114B)' : 'rgb'} * ${scale} + ${offset} (NCHW)`,
      input_scale: String(scale),
      input_offset: String(offset),
      input_colour: colour,
      outputs: def.outputsDoc,
    },
  });
}

function sourceOf(def: HumanModelDef): string {
  return `${HUMAN_PACKAGE}@${humanVersion()}:models/${def.file}`;
}

export interface HumanModelEntry {
  name: HumanModelName;
  role: string;
  source: string;
  licence: string;
  build(): Promise<ModelProto>;
}

function entry(def: HumanModelDef): HumanModelEntry {
  return {
    name: def.name,
    role: def.role,
    source: sourceOf(def),
    licence: def.licence,
    build: () => build(def),
  };
}

export const humanModels: HumanModelEntry[] = HUMAN_MODEL_DEFS.filter((d) => d.registered).map(
  entry,
);
export const humanExtraModels: HumanModelEntry[] = HUMAN_MODEL_DEFS.filter(
  (d) => !d.registered,
).map(entry);
