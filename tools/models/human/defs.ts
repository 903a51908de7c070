/**
 * What classpulse takes from @vladmandic/human's graph models: which file, which outputs under which
 * ONNX names, and the input normalisation human's own preprocessing applies (src/face/*.ts,
 * src/gear/emotion.ts). Normalisation is not baked into the ONNX graph (it cannot be folded into the
 * first conv exactly, because of zero padding); each file carries it in metadata_props:
 *   input = v * input_scale + input_offset, v = RGB 0..255 (or grey 0..255), NCHW float32.
 */
import type { GraphOutput } from '../tfjs/graph-convert.js';

export type HumanModelName = 'blazeface' | 'facemesh' | 'iris' | 'emotion' | 'faceres';

export interface HumanInputSpec {
  /** NCHW shape; 0 = free batch dimension. */
  shape: number[];
  scale: number;
  offset: number;
  /** 'grey' = 0.2989 R + 0.587 G + 0.114 B (human's weights), one channel. */
  colour: 'rgb' | 'grey';
}

export interface HumanModelDef {
  name: HumanModelName;
  role: string;
  file: string;
  input: HumanInputSpec;
  outputs: GraphOutput[];
  /** Description of the outputs, stored in the file's metadata. */
  outputsDoc: string;
  licence: string;
  /**
   * In the shared registry (built, quantised and shipped by `npm run models`). The others are
   * converted and parity-checked but not used by the pipeline, so not shipped.
   */
  registered: boolean;
  /** The TF model fixes batch 1; the ONNX file frees it (see GraphConvertOptions.freeBatch). */
  freeBatch?: boolean;
}

export const GREY_WEIGHTS = { r: 0.2989, g: 0.587, b: 0.114 } as const;

// MediaPipe weights (Apache-2.0) as redistributed by human (MIT).
const MEDIAPIPE = 'Apache-2.0 (Google MediaPipe weights) via MIT-licensed @vladmandic/human';

export const HUMAN_MODEL_DEFS: HumanModelDef[] = [
  {
    name: 'blazeface',
    role: 'face-detector',
    file: 'blazeface.json',
    // blazeface.ts: resized / 127.5 - 1
    input: { shape: [0, 3, 256, 256], scale: 1 / 127.5, offset: -1, colour: 'rgb' },
    // Its reshapes are per image ([1,512,1] ...), so tiles can share one call.
    freeBatch: true,
    outputs: [
      { tensor: 'Identity_1:0', name: 'scores_384' },
      { tensor: 'Identity_3:0', name: 'boxes_384' },
      { tensor: 'Identity:0', name: 'scores_512' },
      { tensor: 'Identity_2:0', name: 'boxes_512' },
    ],
    outputsDoc:
      'raw logits [1,384|512,1] and regressors [1,384|512,16] (box + 6 keypoints, decoded against ' +
      'anchors as in human src/face/blazeface.ts); human concatenates [512 anchors, 384 anchors], applies sigmoid',
    licence: MEDIAPIPE,
    registered: true,
  },
  {
    name: 'facemesh',
    role: 'face-landmarks',
    file: 'facemesh.json',
    // facemeshutil.ts cutAndResize: crop / 255
    input: { shape: [0, 3, 192, 192], scale: 1 / 255, offset: 0, colour: 'rgb' },
    outputs: [
      { tensor: 'Identity_2:0', name: 'mesh' },
      { tensor: 'Identity_1:0', name: 'faceflag' },
      { tensor: 'Identity:0', name: 'contours' },
    ],
    outputsDoc:
      'mesh [batch,1404] = 468 x (x,y,z) in 192-px crop space; faceflag [batch,1] (already sigmoid); contours [batch,266]',
    licence: MEDIAPIPE,
    registered: true,
  },
  {
    name: 'iris',
    role: 'eye-landmarks',
    file: 'iris.json',
    // iris.ts crops 64x64 eye boxes from the facemesh crop (0..1)
    input: { shape: [0, 3, 64, 64], scale: 1 / 255, offset: 0, colour: 'rgb' },
    outputs: [{ tensor: 'Identity:0', name: 'iris' }],
    outputsDoc:
      'iris [batch,1,1,228] = 71 eye-contour + 5 iris points x (x,y,z) in 64-px eye-crop space',
    licence: MEDIAPIPE,
    registered: true,
  },
  {
    name: 'emotion',
    role: 'expression',
    file: 'emotion.json',
    // gear/emotion.ts: grey (0..1) - 0.5, * 2
    input: { shape: [0, 1, 64, 64], scale: 2 / 255, offset: -1, colour: 'grey' },
    outputs: [{ tensor: 'Identity:0', name: 'emotion' }],
    outputsDoc:
      'emotion [batch,7] softmax over angry, disgust, fear, happy, sad, surprise, neutral (oarriaga order)',
    licence: 'MIT (oarriaga/face_classification) via MIT-licensed @vladmandic/human',
    registered: false,
  },
  {
    name: 'faceres',
    role: 'face-description',
    file: 'faceres.json',
    // faceres.ts: crop (0..1) * 255
    input: { shape: [0, 3, 224, 224], scale: 1, offset: 0, colour: 'rgb' },
    outputs: [
      { tensor: 'global_pooling/Mean', name: 'descriptor' },
      { tensor: 'gender_pred/Sigmoid:0', name: 'gender' },
      { tensor: 'age_pred/Softmax:0', name: 'age' },
    ],
    outputsDoc:
      'descriptor [batch,1024] (embedding), gender [batch,1] sigmoid, age [batch,100] softmax',
    licence:
      'HSE-asavchenko/HSE_FaceRec_tf weights via MIT-licensed @vladmandic/human (upstream licence not verified)',
    registered: false,
  },
];

export function humanModelDef(name: string): HumanModelDef {
  const def = HUMAN_MODEL_DEFS.find((d) => d.name === name);
  if (!def) {
    throw new Error(
      `unknown human model ${name} (known: ${HUMAN_MODEL_DEFS.map((d) => d.name).join(', ')})`,
    );
  }
  return def;
}
