// int8 against fp32 on the evaluation pictures, through the pipeline's own detector, landmarker
// and describer, one int8 model at a time (everything else fp32) so each number is that model's.
import * as ort from 'onnxruntime-node';
import { sectionDefaults } from '../../../src/config/schema.js';
import { FaceDescriber } from '../../../src/pipeline/describe/face-describer.js';
import {
  blazefaceAnchors,
  decodeBlazeface,
} from '../../../src/pipeline/detect/blazeface-decode.js';
import { FaceDetector } from '../../../src/pipeline/detect/face-detector.js';
import { nonMaxSuppression } from '../../../src/pipeline/detect/nms.js';
import { regionForDetection } from '../../../src/pipeline/face-memory.js';
import { regionFromLandmarks } from '../../../src/pipeline/geometry/face-region.js';
import { FaceLandmarker } from '../../../src/pipeline/landmarks/face-landmarker.js';
import { EYE_CONTOURS } from '../../../src/pipeline/landmarks/mesh-indices.js';
import { MIN_FACE_SCORE } from '../../../src/pipeline/pipeline.js';
import type { Box } from '../../../src/pipeline/types.js';
import { squareCrop, toNchw } from '../quantize/calibration-images.js';
import { argmax, cosine, landmarkShift, matchBoxes, mean } from './metrics.js';
import { type EvaluationImage, MixedSource, type PrecisionStores } from './sources.js';

export interface DetectorParity {
  model: string;
  facesFp32: number;
  facesInt8: number;
  meanIou: number;
  minIou: number;
}

export interface ShiftParity {
  model: string;
  faces: number;
  /** Faces FaceMesh kept in one precision and dropped in the other. */
  presenceMismatches: number;
  meanShiftIod: number;
  maxShiftIod: number;
}

export interface ParityReport {
  images: number;
  detectors: DetectorParity[];
  landmarks: ShiftParity[];
  embedding: { faces: number; meanCosine: number; minCosine: number };
  expression: { faces: number; agreement: number };
}

function detectorSummary(model: string, pairs: Array<{ a: Box[]; b: Box[] }>): DetectorParity {
  const ious = pairs.flatMap(({ a, b }) => matchBoxes(a, b).ious);
  return {
    model,
    facesFp32: pairs.reduce((n, p) => n + p.a.length, 0),
    facesInt8: pairs.reduce((n, p) => n + p.b.length, 0),
    meanIou: mean(ious),
    minIou: ious.length ? Math.min(...ious) : Number.NaN,
  };
}

async function faceApiDetector(stores: PrecisionStores, images: EvaluationImage[], model: string) {
  const detection = {
    ...sectionDefaults('detection'),
    model: model as 'ssd-mobilenetv1',
    tiles: 1,
  };
  const fp32 = new FaceDetector({ detection, models: new MixedSource(stores, []) });
  const int8 = new FaceDetector({ detection, models: new MixedSource(stores, [model]) });
  await fp32.init();
  await int8.init();
  const pairs = [];
  for (const { image } of images)
    pairs.push({ a: await fp32.detect(image), b: await int8.detect(image) });
  return detectorSummary(model, pairs);
}

/** BlazeFace is not wired into the pipeline's detector yet: decode here with its own helpers. */
async function blazefaceDetector(stores: PrecisionStores, images: EvaluationImage[]) {
  const info = stores.fp32.info('blazeface');
  const side = Number(info.input.shape[2]);
  const anchors = blazefaceAnchors(side);
  const detect = async (session: ort.InferenceSession, image: EvaluationImage['image']) => {
    const square = Math.max(image.cols, image.rows);
    const input = toNchw(squareCrop(image, { x: 0, y: 0, w: square, h: square }, 1), {
      width: side,
      height: side,
      scale: 1 / 127.5,
      offset: -1,
    });
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, side, side]) });
    const cat = (a: string, b: string) => {
      const x = out[a]?.data as Float32Array;
      const y = out[b]?.data as Float32Array;
      const all = new Float32Array(x.length + y.length);
      all.set(x);
      all.set(y, x.length);
      return all;
    };
    const found = decodeBlazeface(
      { logits: cat('scores_512', 'scores_384'), regressors: cat('boxes_512', 'boxes_384') },
      anchors,
      MIN_FACE_SCORE,
    );
    return nonMaxSuppression(found, { iouThreshold: 0.3 });
  };
  const fp32 = await stores.fp32.session('blazeface');
  const int8 = await stores.int8.session('blazeface');
  const pairs = [];
  for (const { image } of images)
    pairs.push({ a: await detect(fp32, image), b: await detect(int8, image) });
  return detectorSummary('blazeface', pairs);
}

const IRIS_INDICES = [
  ...Object.values(EYE_CONTOURS.left).flat(),
  ...Object.values(EYE_CONTOURS.right).flat(),
  ...Array.from({ length: 10 }, (_, i) => 468 + i),
];
const MESH_INDICES = Array.from({ length: 468 }, (_, i) => i);

export async function measureParity(
  stores: PrecisionStores,
  images: EvaluationImage[],
): Promise<ParityReport> {
  const detectors = [
    await faceApiDetector(stores, images, 'ssd-mobilenetv1'),
    await faceApiDetector(stores, images, 'tiny-face-detector'),
    await blazefaceDetector(stores, images),
  ];
  const fp32 = new MixedSource(stores, []);
  const detector = new FaceDetector({ detection: sectionDefaults('detection'), models: fp32 });
  await detector.init();
  const landmarker = (int8: string[]) =>
    new FaceLandmarker({ models: new MixedSource(stores, int8), minFaceScore: MIN_FACE_SCORE });
  const reference = landmarker([]);
  const meshInt8 = landmarker(['facemesh']);
  const irisInt8 = landmarker(['iris']);
  for (const l of [reference, meshInt8, irisInt8]) await l.init();
  const describer = (int8: string[]) =>
    new FaceDescriber({ models: new MixedSource(stores, int8), expressions: true });
  const describeFp32 = describer([]);
  const describeInt8 = describer(['face-embedding', 'expression']);
  await describeFp32.init();
  await describeInt8.init();

  const shifts = { facemesh: [] as number[], iris: [] as number[] };
  const mismatches = { facemesh: 0, iris: 0 };
  const cosines: number[] = [];
  let agree = 0;
  for (const { image } of images) {
    const boxes = await detector.detect(image);
    // Second pass on landmark-derived regions: the steady state while a face is tracked.
    const detectorModel = sectionDefaults('detection').model;
    const first = await reference.run(
      image,
      boxes.map((box) => ({ region: regionForDetection(box, detectorModel) })),
    );
    const requests = first.faces.flatMap((f) =>
      f ? [{ region: regionFromLandmarks(f.points) }] : [],
    );
    const a = (await reference.run(image, requests)).faces;
    const b = (await meshInt8.run(image, requests)).faces;
    const c = (await irisInt8.run(image, requests)).faces;
    const points: Float32Array[] = [];
    a.forEach((face, i) => {
      if (!face) return;
      points.push(face.points);
      const mesh = b[i];
      const iris = c[i];
      if (mesh) shifts.facemesh.push(landmarkShift(face.points, mesh.points, MESH_INDICES));
      else mismatches.facemesh++;
      if (iris) shifts.iris.push(landmarkShift(face.points, iris.points, IRIS_INDICES));
      else mismatches.iris++;
    });
    if (points.length === 0) continue;
    const ea = await describeFp32.embed(image, points);
    const eb = await describeInt8.embed(image, points);
    ea.forEach((e, i) => {
      cosines.push(cosine(e, eb[i] as Float32Array));
    });
    const xa = await describeFp32.expressions(image, points);
    const xb = await describeInt8.expressions(image, points);
    xa.forEach((x, i) => {
      if (argmax(x) === argmax(xb[i] as Float32Array)) agree++;
    });
  }
  const shiftRow = (model: 'facemesh' | 'iris'): ShiftParity => ({
    model,
    faces: shifts[model].length + mismatches[model],
    presenceMismatches: mismatches[model],
    meanShiftIod: mean(shifts[model]),
    maxShiftIod: Math.max(...shifts[model]),
  });
  return {
    images: images.length,
    detectors,
    landmarks: [shiftRow('facemesh'), shiftRow('iris')],
    embedding: {
      faces: cosines.length,
      meanCosine: mean(cosines),
      minCosine: Math.min(...cosines),
    },
    expression: {
      faces: cosines.length,
      agreement: cosines.length ? agree / cosines.length : Number.NaN,
    },
  };
}
