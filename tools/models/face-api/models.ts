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

function entry(
  name: FaceApiModelEntry['name'],
  role: string,
  manifest: string,
  builder: (weights: WeightMap) => ModelProto,
): FaceApiModelEntry {
  return {
    name,
    role,
    source: `${FACE_API_PACKAGE}@${faceApiVersion()}:model/${manifest}`,
    licence: 'MIT',
    build: async () => builder(await readWeights(join(faceApiModelDir(), manifest))),
  };
}

export const faceApiModels: FaceApiModelEntry[] = [
  entry(
    'ssd-mobilenetv1',
    'face-detector',
    'ssd_mobilenetv1_model-weights_manifest.json',
    buildSsdMobilenetV1,
  ),
  entry(
    'face-embedding',
    'face-embedding',
    'face_recognition_model-weights_manifest.json',
    buildFaceEmbedding,
  ),
  entry('expression', 'expression', 'face_expression_model-weights_manifest.json', buildExpression),
  entry(
    'tiny-face-detector',
    'face-detector-fast',
    'tiny_face_detector_model-weights_manifest.json',
    buildTinyFaceDetector,
  ),
];
