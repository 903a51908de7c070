// Finds faces in a frame with one of face-api's detectors or human's BlazeFace (ONNX). Each detection window (the whole
// frame, plus tiles when configured) is padded at the bottom/right to a square and resized to the
// model's input, as face-api's toBatchTensor(size, false) does; boxes come back in frame pixels.
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import type { Config } from '../../config/schema.js';
import { CropWriter, RAW_0_255, SIGNED_1 } from '../image/warp-tensor.js';
import { startInTurn } from '../inference/batches.js';
import { inputArray, type ModelSession, type SessionSource } from '../models.js';
import type { Box, Detection } from '../types.js';
import { type AnchorPoint, blazefaceAnchors, decodeBlazeface } from './blazeface-decode.js';
import { CONTAINED_SHARE, nonMaxSuppression } from './nms.js';
import { decodeNormalisedBoxes } from './ssd-decode.js';
import { cutByTileEdge, detectionRounds, detectionWindows, searchWindow } from './tiles.js';

export interface FaceDetectorOptions {
  detection: Config['detection'];
  models: SessionSource;
}

export class FaceDetector {
  private session: ModelSession | undefined;
  private readonly crops = new CropWriter();
  private inputPx = 0;
  private anchors: AnchorPoint[] = [];
  /** The row of tiles the next detection run covers. */
  private nextRow = 0;

  constructor(private readonly options: FaceDetectorOptions) {}

  async init(): Promise<void> {
    const name = this.options.detection.model;
    this.session = await this.options.models.session(name);
    const meta = this.session.inputMetadata[0];
    const side = meta?.isTensor ? meta.shape[2] : undefined;
    if (typeof side !== 'number' || this.session.inputNames[0] === undefined) {
      throw new Error(`model ${name}: expected a [1, 3, S, S] input, got ${JSON.stringify(meta)}`);
    }
    this.inputPx = side;
    if (name === 'blazeface') this.anchors = blazefaceAnchors(side);
  }

  /** Detection runs that cover a frame of this size once: one per row of tiles. */
  coverageRuns(widthPx: number, heightPx: number): number {
    return detectionRounds(widthPx, heightPx, this.tilesFor(widthPx, heightPx));
  }

  /**
   * Faces in frame pixels, best first, after NMS across the windows: the whole frame and, with
   * tiling, the next row of tiles (every tile with `allTiles`).
   */
  async detect(image: Mat, options: { allTiles?: boolean } = {}): Promise<Detection[]> {
    const tiles = this.tilesFor(image.cols, image.rows);
    const row = options.allTiles ? undefined : this.nextRow;
    this.nextRow = (this.nextRow + 1) % detectionRounds(image.cols, image.rows, tiles);
    return this.detectIn(image, detectionWindows(image.cols, image.rows, tiles, row));
  }

  /**
   * The faces of several windows as one list. Windows are cut one after another, the event loop
   * running in between, and their runs go out as they are cut (a pool runs them on several
   * workers at once). A window drops the faces its inner edges cut (the whole frame has none);
   * then small faces are dropped and overlaps merged.
   */
  private async detectIn(image: Mat, windows: Box[]): Promise<Detection[]> {
    const { detection } = this.options;
    const frame = { widthPx: image.cols, heightPx: image.rows };
    const found = await startInTurn(windows, (window) => this.detectWindow(image, window));
    const all = found.flatMap((boxes, i) => {
      const window = windows[i];
      return window ? boxes.filter((d) => !cutByTileEdge(d, window, frame)) : boxes;
    });
    return nonMaxSuppression(
      all.filter((d) => d.w >= detection.minFacePx),
      { iouThreshold: detection.nmsIou, containThreshold: CONTAINED_SHARE },
    );
  }

  /**
   * Tiles undo the shrinking of a large frame into the input; a frame that is not shrunk (a
   * 400×300 webcam into SSD's 512) already shows its faces at full resolution.
   */
  private tilesFor(widthPx: number, heightPx: number): number {
    return Math.max(widthPx, heightPx) > this.inputPx ? this.options.detection.tiles : 1;
  }

  /**
   * Faces near `boxes` (faces lost from the last frame): one square window around each, a few
   * face widths wide, so the face sits in it at a size the detector finds well. Faces cut by a
   * window's edge inside the frame are dropped, as at tile edges. With as many lost faces as a
   * whole run has windows (everyone lost at once: a camera glitch), it is a whole run.
   */
  async detectAround(image: Mat, boxes: readonly Box[]): Promise<Detection[]> {
    const tiles = this.tilesFor(image.cols, image.rows);
    if (boxes.length >= detectionWindows(image.cols, image.rows, tiles, 0).length) {
      return this.detect(image);
    }
    const frame = { widthPx: image.cols, heightPx: image.rows };
    return this.detectIn(
      image,
      boxes.map((box) => searchWindow(box, frame)),
    );
  }

  /** Cuts the window synchronously (before its first await), then runs the model on it. */
  private async detectWindow(image: Mat, window: Box): Promise<Detection[]> {
    const session = this.session;
    if (!session) throw new Error('FaceDetector.detect() before init()');
    const side = Math.max(window.w, window.h);
    const s = this.inputPx / side;
    const input = inputArray(this.options.models, 3 * this.inputPx * this.inputPx);
    const blazeface = this.options.detection.model === 'blazeface';
    this.crops.warpInto(
      image,
      { a: s, b: 0, c: 0, d: s, tx: -s * window.x, ty: -s * window.y },
      this.inputPx,
      input,
      0,
      blazeface ? SIGNED_1 : RAW_0_255,
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
    if (blazeface) return this.decodeBlazeface(out, window, side);
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

  /** human's blazeface outputs, 512 stride-16 anchors then 384 stride-32 ones, in input pixels. */
  private decodeBlazeface(
    out: ort.InferenceSession.ReturnType,
    window: Box,
    side: number,
  ): Detection[] {
    const part = (name: string) => {
      const data = out[name]?.data;
      if (!(data instanceof Float32Array)) {
        throw new Error(`model blazeface: expected float output '${name}'`);
      }
      return data;
    };
    const logits = new Float32Array(896);
    logits.set(part('scores_512'), 0);
    logits.set(part('scores_384'), 512);
    const regressors = new Float32Array(896 * 16);
    regressors.set(part('boxes_512'), 0);
    regressors.set(part('boxes_384'), 512 * 16);
    const k = side / this.inputPx;
    return decodeBlazeface({ logits, regressors }, this.anchors, this.options.detection.minScore)
      .map(({ keypoints: _keypoints, ...d }) => ({
        x: d.x * k + window.x,
        y: d.y * k + window.y,
        w: d.w * k,
        h: d.h * k,
        score: d.score,
      }))
      .filter((d) => d.w > 0 && d.h > 0);
  }
}
