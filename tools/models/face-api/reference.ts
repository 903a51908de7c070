/**
 * The original face-api nets, run on @tensorflow/tfjs with the wasm backend
 * (tfjs-node is not available), as the ground truth for parity checks.
 * Inputs are NHWC pixel arrays already at the net's size, so face-api's own
 * pad/resize is a no-op and both sides see identical tensors.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { FACE_API_EXPRESSION_ORDER } from './expression.js';
import { faceApiModelDir } from './models.js';

// face-api's bundled typings expose only part of tfjs; the object is the full tfjs
// module (the bundle requires @tensorflow/tfjs), so type it as such.
type Tf = typeof Tfjs;

export interface ReferenceDetection {
  /** Relative to the source image (0..1 of its width/height), as face-api reports. */
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

/** One face of face-api's own `detectAllFaces().withFaceLandmarks().withFaceExpressions()`. */
export interface ReferenceFace {
  /** SSD detection box, image pixels. */
  box: { x: number; y: number; w: number; h: number };
  /** The crop face-api gives the expression net: the 68 points' bounding box padded by 20 %. */
  alignedBox: { x: number; y: number; w: number; h: number };
  score: number;
  /** Probabilities in face-api's FACE_EXPRESSION_LABELS order. */
  expression: number[];
  /** The same without landmarks (`detectAllFaces().withFaceExpressions()`: the SSD box crop). */
  expressionOfBox: number[];
}

export class FaceApiReference {
  private readonly tf: Tf;

  private constructor() {
    this.tf = faceapi.tf as unknown as Tf;
  }

  /** Loads the four nets from the package's model/ folder on the wasm backend. */
  static async load(): Promise<FaceApiReference> {
    const ref = new FaceApiReference();
    await ref.tf.setBackend('wasm');
    await ref.tf.ready();
    const dir = faceApiModelDir();
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
    await faceapi.nets.tinyFaceDetector.loadFromDisk(dir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
    await faceapi.nets.faceExpressionNet.loadFromDisk(dir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
    return ref;
  }

  backend(): string {
    return this.tf.getBackend();
  }

  private batch(nhwc: Float32Array, size: number) {
    return this.tf.tensor4d(nhwc, [1, size, size, 3]);
  }

  /** SSD outputLayer result: boxes [5118*4] (ymin, xmin, ymax, xmax), scores [5118]. */
  async ssd(nhwc: Float32Array): Promise<{ boxes: Float32Array; scores: Float32Array }> {
    const x = this.batch(nhwc, 512);
    const out = await faceapi.nets.ssdMobilenetv1.forward(x);
    const boxes = out.boxes[0]?.dataSync() as Float32Array;
    const scores = out.scores[0]?.dataSync() as Float32Array;
    x.dispose();
    for (const t of [...out.boxes, ...out.scores]) t.dispose();
    return { boxes, scores };
  }

  /** Raw tiny-YOLO head, NHWC [13, 13, 25]. */
  async tinyHead(nhwc: Float32Array): Promise<Float32Array> {
    const x = this.batch(nhwc, 416);
    const out = await faceapi.nets.tinyFaceDetector.forward(x, 416);
    const data = out.dataSync() as Float32Array;
    x.dispose();
    out.dispose();
    return data;
  }

  async embedding(nhwc: Float32Array): Promise<Float32Array> {
    const x = this.batch(nhwc, 150);
    const out = await faceapi.nets.faceRecognitionNet.forward(x);
    const data = out.dataSync() as Float32Array;
    x.dispose();
    out.dispose();
    return data;
  }

  async expression(nhwc: Float32Array): Promise<Float32Array> {
    const x = this.batch(nhwc, 112);
    const out = await faceapi.nets.faceExpressionNet.forward(x);
    const data = out.dataSync() as Float32Array;
    x.dispose();
    out.dispose();
    return data;
  }

  /** face-api end to end on a whole RGB image (its own pad, resize, decode and NMS). */
  async locateFaces(
    rgb: Uint8Array,
    width: number,
    height: number,
    detector: 'ssd' | 'tiny',
  ): Promise<ReferenceDetection[]> {
    const img = this.tf.tensor3d(rgb, [height, width, 3], 'int32');
    const found =
      detector === 'ssd'
        ? await faceapi.nets.ssdMobilenetv1.locateFaces(img, { minConfidence: 0.5 })
        : await faceapi.nets.tinyFaceDetector.locateFaces(img, {
            inputSize: 416,
            scoreThreshold: 0.5,
          });
    img.dispose();
    return found.map((d) => ({
      x: d.relativeBox.x,
      y: d.relativeBox.y,
      w: d.relativeBox.width,
      h: d.relativeBox.height,
      score: d.score,
    }));
  }

  /**
   * face-api's documented end-to-end call on a whole RGB image: SSD (minConfidence 0.5), the
   * 68-point landmark net, then the expression net on the landmark-aligned box
   * (extractAllFacesAndComputeResults crops `alignedRect` once landmarks are there).
   */
  async describeFaces(rgb: Uint8Array, width: number, height: number): Promise<ReferenceFace[]> {
    const img = this.tf.tensor3d(rgb, [height, width, 3], 'int32');
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
    const found = await faceapi
      .detectAllFaces(img, options)
      .withFaceLandmarks()
      .withFaceExpressions();
    const ofBox = await faceapi.detectAllFaces(img, options).withFaceExpressions();
    img.dispose();
    const pixels = (b: { x: number; y: number; width: number; height: number }) => ({
      x: b.x,
      y: b.y,
      w: b.width,
      h: b.height,
    });
    const probabilities = (
      e: Partial<Record<(typeof FACE_API_EXPRESSION_ORDER)[number], number>>,
    ) => FACE_API_EXPRESSION_ORDER.map((label) => e[label] ?? 0);
    return found.map((f, i) => ({
      box: pixels(f.detection.box),
      alignedBox: pixels(f.alignedRect.box),
      score: f.detection.score,
      expression: probabilities(f.expressions),
      // Same detector on the same image: the same boxes in the same order.
      expressionOfBox: probabilities(ofBox[i]?.expressions ?? {}),
    }));
  }
}
