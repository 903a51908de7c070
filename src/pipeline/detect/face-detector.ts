// Finds faces in a frame with one of face-api's detectors (ONNX). Each detection window (the whole
// frame, plus tiles when configured) is padded at the bottom/right to a square and resized to the
// model's input, as face-api's toBatchTensor(size, false) does; boxes come back in frame pixels.
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import type { Config } from '../../config/schema.js';
import { RAW_0_255, warpInto } from '../image/warp-tensor.js';
import type { InferenceSession, SessionSource } from '../models.js';
import type { Box, Detection } from '../types.js';
import { nonMaxSuppression } from './nms.js';
import { decodeNormalisedBoxes } from './ssd-decode.js';
import { detectionWindows } from './tiles.js';

/** A face cut by a tile edge is mostly inside the whole face's box: drop it (share of its area). */
const CONTAINED_SHARE = 0.7;

export interface FaceDetectorOptions {
  detection: Config['detection'];
  models: SessionSource;
}

export class FaceDetector {
  private session: InferenceSession | undefined;
  private inputPx = 0;

  constructor(private readonly options: FaceDetectorOptions) {}

  async init(): Promise<void> {
    const name = this.options.detection.model;
    if (name === 'blazeface') {
      throw new Error(
        "detection.model 'blazeface' is not wired into the pipeline yet; use 'ssd-mobilenetv1' or 'tiny-face-detector'",
      );
    }
    this.session = await this.options.models.session(name);
    const meta = this.session.inputMetadata[0];
    const side = meta?.isTensor ? meta.shape[2] : undefined;
    if (typeof side !== 'number' || this.session.inputNames[0] === undefined) {
      throw new Error(`model ${name}: expected a [1, 3, S, S] input, got ${JSON.stringify(meta)}`);
    }
    this.inputPx = side;
  }

  /** Faces in frame pixels, best first, after NMS across all windows. */
  async detect(image: Mat): Promise<Detection[]> {
    const { detection } = this.options;
    const all: Detection[] = [];
    for (const window of detectionWindows(image.cols, image.rows, detection.tiles)) {
      all.push(...(await this.detectWindow(image, window)));
    }
    return nonMaxSuppression(
      all.filter((d) => d.w >= detection.minFacePx),
      { iouThreshold: detection.nmsIou, containThreshold: CONTAINED_SHARE },
    );
  }

  private async detectWindow(image: Mat, window: Box): Promise<Detection[]> {
    const session = this.session;
    if (!session) throw new Error('FaceDetector.detect() before init()');
    const side = Math.max(window.w, window.h);
    const s = this.inputPx / side;
    const input = new Float32Array(3 * this.inputPx * this.inputPx);
    warpInto(
      image,
      { a: s, b: 0, c: 0, d: s, tx: -s * window.x, ty: -s * window.y },
      this.inputPx,
      input,
      0,
      RAW_0_255,
    );
    const feeds = {
      [session.inputNames[0] ?? 'input']: new ort.Tensor('float32', input, [
        1,
        3,
        this.inputPx,
        this.inputPx,
      ]),
    };
    const out = await session.run(feeds);
    const boxes = out.boxes?.data;
    const scores = out.scores?.data;
    if (!(boxes instanceof Float32Array) || !(scores instanceof Float32Array)) {
      throw new Error(
        `model ${this.options.detection.model}: expected float outputs boxes, scores`,
      );
    }
    return decodeNormalisedBoxes({ boxes, scores }, side, this.options.detection.minScore).map(
      (d) => ({ ...d, x: d.x + window.x, y: d.y + window.y }),
    );
  }
}
