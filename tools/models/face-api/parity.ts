/**
 * Parity of the ONNX rebuilds against face-api on tfjs-wasm, on real images.
 * Raw checks feed identical input tensors to both sides; the end-to-end check
 * lets face-api do its own pad/resize (tf.image.resizeBilinear) while the ONNX
 * side uses OpenCV's, as the pipeline will, so its boxes differ slightly more.
 *
 *   npx tsx tools/models/face-api/parity.ts [image ...]   (prints the figures as JSON)
 */
import ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/proto.js';
import { decodeDetections } from './detections.js';
import { netPixels, readRgb } from './image-input.js';
import { faceApiModels } from './models.js';
import {
  argmax,
  cosine,
  decodeTinyHead,
  maxAbs,
  minMatchedIou,
  sameDetections,
  toImageRelative,
} from './parity-metrics.js';
import { FaceApiReference, type ReferenceDetection } from './reference.js';

export interface ModelParity {
  /** Largest |onnx - face-api| over every raw output value of every input. */
  maxAbsError: number;
  inputs: number;
  /** Mean onnxruntime latency per inference (ms), single-threaded intra-op. */
  meanOrtMs: number;
}

export interface DetectorParity extends ModelParity {
  /** Faces found per image after decode + NMS: face-api end to end / ONNX end to end. */
  faceApiCounts: number[];
  onnxCounts: number[];
  /** Smallest IoU between an ONNX face and its best face-api match (end to end). */
  minMatchedIou: number;
  /** Same-input decode: identical detection lists (counts and boxes within 1e-4). */
  sameInputDetectionsEqual: boolean;
}

export interface ParityReport {
  backend: string;
  images: string[];
  ssd: DetectorParity;
  tiny: DetectorParity;
  embedding: ModelParity & { minCosine: number };
  expression: ModelParity & { argmaxAgreement: number };
}

export const SAMPLE_IMAGES = [1, 2, 3, 4, 5, 6].map(
  (i) => `node_modules/@vladmandic/face-api/demo/sample${i}.jpg`,
);

class Timed {
  private totalMs = 0;
  private count = 0;
  constructor(readonly session: ort.InferenceSession) {}
  async run(nchw: Float32Array, size: number): Promise<Record<string, Float32Array>> {
    const t0 = performance.now();
    const out = await this.session.run({
      input: new ort.Tensor('float32', nchw, [1, 3, size, size]),
    });
    this.totalMs += performance.now() - t0;
    this.count++;
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  }
  meanMs(): number {
    return this.count ? this.totalMs / this.count : 0;
  }
}

async function sessions(): Promise<Record<string, Timed>> {
  const out: Record<string, Timed> = {};
  for (const m of faceApiModels) {
    const bytes = encodeModel(await m.build());
    out[m.name] = new Timed(
      await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
    );
  }
  return out;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`parity: missing ${what}`);
  return v;
}

/** Best-match IoU of every ONNX face against face-api's (both relative to the image). */
interface DetectorSpec {
  model: 'ssd-mobilenetv1' | 'tiny-face-detector';
  size: number;
  iouThreshold: number;
  reference: (
    ref: FaceApiReference,
    nhwc: Float32Array,
  ) => Promise<{ boxes: Float32Array; scores: Float32Array }>;
  endToEnd: 'ssd' | 'tiny';
}

const DETECTORS: Record<'ssd' | 'tiny', DetectorSpec> = {
  ssd: {
    model: 'ssd-mobilenetv1',
    size: 512,
    iouThreshold: 0.5,
    reference: (ref, nhwc) => ref.ssd(nhwc),
    endToEnd: 'ssd',
  },
  tiny: {
    model: 'tiny-face-detector',
    size: 416,
    iouThreshold: 0.4,
    reference: async (ref, nhwc) => decodeTinyHead(await ref.tinyHead(nhwc)),
    endToEnd: 'tiny',
  },
};

async function detectorParity(
  spec: DetectorSpec,
  ref: FaceApiReference,
  session: Timed,
  images: string[],
): Promise<{ parity: DetectorParity; faces: Map<string, ReferenceDetection[]> }> {
  const parity: DetectorParity = {
    maxAbsError: 0,
    inputs: 0,
    meanOrtMs: 0,
    faceApiCounts: [],
    onnxCounts: [],
    minMatchedIou: 1,
    sameInputDetectionsEqual: true,
  };
  const faces = new Map<string, ReferenceDetection[]>();
  const options = { minScore: 0.5, iouThreshold: spec.iouThreshold, maxResults: 100 };
  for (const path of images) {
    const rgb = readRgb(path);
    const px = netPixels(rgb, spec.size, false);
    const expected = await spec.reference(ref, px.nhwc);
    const got = await session.run(px.nchw, spec.size);
    const boxes = need(got.boxes, `${spec.model} boxes`);
    const scores = need(got.scores, `${spec.model} scores`);
    parity.maxAbsError = Math.max(
      parity.maxAbsError,
      maxAbs(expected.boxes, boxes),
      maxAbs(expected.scores, scores),
    );
    parity.inputs++;
    const onnxFaces = decodeDetections(boxes, scores, options);
    parity.sameInputDetectionsEqual &&= sameDetections(
      decodeDetections(expected.boxes, expected.scores, options),
      onnxFaces,
    );
    const faceApiFaces = await ref.locateFaces(rgb.getData(), rgb.cols, rgb.rows, spec.endToEnd);
    const mine = onnxFaces.map((d) => toImageRelative(d, px.squarePx, rgb.cols, rgb.rows));
    parity.faceApiCounts.push(faceApiFaces.length);
    parity.onnxCounts.push(mine.length);
    parity.minMatchedIou = Math.min(parity.minMatchedIou, minMatchedIou(mine, faceApiFaces));
    faces.set(path, faceApiFaces);
  }
  parity.meanOrtMs = session.meanMs();
  return { parity, faces };
}

export async function runParity(images: string[] = SAMPLE_IMAGES): Promise<ParityReport> {
  const ref = await FaceApiReference.load();
  const s = await sessions();
  const ssd = await detectorParity(DETECTORS.ssd, ref, need(s['ssd-mobilenetv1'], 'ssd'), images);
  const tiny = await detectorParity(
    DETECTORS.tiny,
    ref,
    need(s['tiny-face-detector'], 'tiny'),
    images,
  );

  const embedSession = need(s['face-embedding'], 'face-embedding');
  const exprSession = need(s.expression, 'expression');
  const embedding = { maxAbsError: 0, inputs: 0, meanOrtMs: 0, minCosine: 1 };
  const expression = { maxAbsError: 0, inputs: 0, meanOrtMs: 0, argmaxAgreement: 0 };
  let agree = 0;
  for (const path of images) {
    const rgb = readRgb(path);
    // Crops from face-api's own SSD faces, clipped to the image as extractFaceTensors does.
    for (const f of ssd.faces.get(path) ?? []) {
      const x = Math.max(0, Math.floor(f.x * rgb.cols));
      const y = Math.max(0, Math.floor(f.y * rgb.rows));
      const crop = {
        x,
        y,
        w: Math.min(rgb.cols - x, Math.round(f.w * rgb.cols)),
        h: Math.min(rgb.rows - y, Math.round(f.h * rgb.rows)),
      };
      const p150 = netPixels(rgb, 150, true, crop);
      const e0 = await ref.embedding(p150.nhwc);
      const e1 = need((await embedSession.run(p150.nchw, 150)).embedding, 'embedding');
      embedding.maxAbsError = Math.max(embedding.maxAbsError, maxAbs(e0, e1));
      embedding.minCosine = Math.min(embedding.minCosine, cosine(e0, e1));
      embedding.inputs++;
      const p112 = netPixels(rgb, 112, true, crop);
      const x0 = await ref.expression(p112.nhwc);
      const x1 = need((await exprSession.run(p112.nchw, 112)).probabilities, 'probabilities');
      expression.maxAbsError = Math.max(expression.maxAbsError, maxAbs(x0, x1));
      if (argmax(x0) === argmax(x1)) agree++;
      expression.inputs++;
    }
  }
  embedding.meanOrtMs = embedSession.meanMs();
  expression.meanOrtMs = exprSession.meanMs();
  expression.argmaxAgreement = expression.inputs ? agree / expression.inputs : 0;
  return {
    backend: ref.backend(),
    images,
    ssd: ssd.parity,
    tiny: tiny.parity,
    embedding,
    expression,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const report = await runParity(args.length ? args : SAMPLE_IMAGES);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
