/**
 * Registry entries for the face-api nets: each entry reads its weights manifest
 * from node_modules and rebuilds the ONNX graph from the architecture in
 * face-api's src/ (re-implemented in this folder).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelProto } from '../onnx/proto.js';
import { readWeights, type WeightMap } from '../tfjs/weights.js';
import { buildExpression } from './expression.js';
import { buildFaceEmbedding } from './face-embedding.js';
import { buildSsdMobilenetV1 } from './ssd-mobilenetv1.js';
import { buildTinyFaceDetector } from './tiny-face-detector.js';

export const FACE_API_PACKAGE = '@vladmandic/face-api';

export interface FaceApiModelEntry {
  name: 'ssd-mobilenetv1' | 'face-embedding' | 'expression' | 'tiny-face-detector';
  role: string;
  source: string;
  licence: 'MIT';
  build(): Promise<ModelProto>;
}

/** Directory of face-api's shipped weights, resolved through the installed package. */
export function faceApiModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${FACE_API_PACKAGE}/package.json`)), 'model');
}

export function faceApiVersion(): string {
  const require = createRequire(import.meta.url);
  return (require(`${FACE_API_PACKAGE}/package.json`) as { version: string }).version;
}

interface EntryDef {
  name: FaceApiModelEntry['name'];
  role: string;
  manifest: string;
  builder: (weights: WeightMap) => ModelProto;
  /** How the caller prepares the input picture (face-api's toBatchTensor). */
  preprocess: string;
  outputs: string;
}

/**
 * Metadata keys shared with the graph-model converter: the quantiser's calibration reads
 * input_scale/offset (1 and 0 here: these graphs normalise RGB 0..255 themselves).
 */
function withMetadata(model: ModelProto, def: EntryDef, source: string): ModelProto {
  const meta: Record<string, string> = {
    source,
    input_colour: 'rgb',
    input_scale: '1',
    input_offset: '0',
    preprocess: def.preprocess,
    outputs: def.outputs,
  };
  const props = model.metadataProps ?? [];
  for (const [key, value] of Object.entries(meta)) props.push({ key, value });
  model.metadataProps = props;
  return model;
}

function entry(def: EntryDef): FaceApiModelEntry {
  const source = `${FACE_API_PACKAGE}@${faceApiVersion()}:model/${def.manifest}`;
  return {
    name: def.name,
    role: def.role,
    source,
    licence: 'MIT',
    build: async () =>
      withMetadata(
        def.builder(await readWeights(join(faceApiModelDir(), def.manifest))),
        def,
        source,
      ),
  };
}

const DETECTOR_PREPROCESS = 'RGB frame zero-padded at bottom/right to a square, bilinear resize';
const FACE_PREPROCESS = 'RGB face crop zero-padded to a centred square, bilinear resize';

export const faceApiModels: FaceApiModelEntry[] = [
  entry({
    name: 'ssd-mobilenetv1',
    role: 'face-detector',
    manifest: 'ssd_mobilenetv1_model-weights_manifest.json',
    builder: buildSsdMobilenetV1,
    preprocess: DETECTOR_PREPROCESS,
    outputs:
      'boxes [N,5118,4] ymin,xmin,ymax,xmax in 0..1 of the padded square (decoded); scores [N,5118] sigmoid; NMS IoU 0.5',
  }),
  entry({
    name: 'face-embedding',
    role: 'face-embedding',
    manifest: 'face_recognition_model-weights_manifest.json',
    builder: buildFaceEmbedding,
    preprocess: FACE_PREPROCESS,
    outputs: 'embedding [N,128] raw face-api descriptor (not L2-normalised)',
  }),
  entry({
    name: 'expression',
    role: 'expression',
    manifest: 'face_expression_model-weights_manifest.json',
    builder: buildExpression,
    preprocess: FACE_PREPROCESS,
    outputs:
      'logits [N,7]; probabilities [N,7] softmax; order neutral,happy,sad,angry,fearful,disgusted,surprised',
  }),
  entry({
    name: 'tiny-face-detector',
    role: 'face-detector',
    manifest: 'tiny_face_detector_model-weights_manifest.json',
    builder: buildTinyFaceDetector,
    preprocess: DETECTOR_PREPROCESS,
    outputs:
      'boxes [N,845,4] ymin,xmin,ymax,xmax in 0..1 of the padded square (decoded); scores [N,845] sigmoid; NMS IoU 0.4',
  }),
];
