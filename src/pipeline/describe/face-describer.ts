// Embeddings (face-api recognition net, 150×150) and expression scores (face-api expression net,
// 112×112) for the faces the tracker asked about. The embedding takes the upright face crop
// (face-crop.ts), the expression net the crop face-api itself gives it (expression-crop.ts); faces
// go in one batch when the model's batch dimension is free, one by one otherwise.
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import { normalised } from '../../trackers/embedding-math.js';
import { CropWriter, RAW_0_255 } from '../image/warp-tensor.js';
import { faceBatches, startInTurn } from '../inference/batches.js';
import { fixedBatch, type ModelSession, type SessionSource } from '../models.js';
import type { Observation } from '../types.js';
import { expressionCrop, type RegionCrop } from './expression-crop.js';
import { type FaceRef, faceCrop } from './face-crop.js';

const EMBEDDING_INPUT_PX = 150;
const EXPRESSION_INPUT_PX = 112;

export interface FaceDescriberOptions {
  models: SessionSource;
  /** Load and run the expression model at all. */
  expressions: boolean;
}

/** Which observations (indices) get an embedding, and which an expression. */
export interface DescribeWanted {
  embed: number[];
  express: number[];
}

export class FaceDescriber {
  private embedding: ModelSession | undefined;
  private expression: ModelSession | undefined;
  private readonly crops = new CropWriter();

  constructor(private readonly options: FaceDescriberOptions) {}

  async init(): Promise<void> {
    this.embedding = await this.options.models.session('face-embedding');
    if (this.options.expressions) {
      this.expression = await this.options.models.session('expression');
    }
  }

  /** One run per model on a blank image (first runs are slow). */
  async warmUp(image: Mat): Promise<void> {
    const points = new Float32Array(478 * 3);
    for (let i = 0; i < 478; i++) {
      points[i * 3] = image.cols / 2 + (image.cols / 4) * Math.cos(i);
      points[i * 3 + 1] = image.rows / 2 + (image.rows / 4) * Math.sin(i);
    }
    const face = { box: { x: 0, y: 0, w: image.cols, h: image.rows }, landmarks: points };
    await this.embed(image, [face]);
    if (this.expression) await this.expressions(image, [face]);
  }

  /**
   * Embeddings and expressions for the observations at the given indices, written into them.
   * Returns each step's wall time (the pipeline's `reid` and `expression` stages).
   */
  async describe(
    image: Mat,
    observations: Observation[],
    wanted: DescribeWanted,
  ): Promise<{ embedMs: number; expressionMs: number }> {
    const faceOf = (i: number): FaceRef => {
      const o = observations[i];
      if (!o) throw new Error(`no observation ${i}`);
      return o.landmarks ? { box: o.box, landmarks: o.landmarks } : { box: o.box };
    };
    let t0 = performance.now();
    const embeddings = await this.embed(image, wanted.embed.map(faceOf));
    wanted.embed.forEach((index, k) => {
      const observation = observations[index];
      const embedding = embeddings[k];
      if (observation && embedding) observation.embedding = embedding;
    });
    const embedMs = performance.now() - t0;
    t0 = performance.now();
    if (wanted.express.length > 0) {
      const scores = await this.expressions(image, wanted.express.map(faceOf));
      wanted.express.forEach((index, k) => {
        const observation = observations[index];
        const expression = scores[k];
        if (observation && expression) observation.expression = expression;
      });
    }
    return { embedMs, expressionMs: performance.now() - t0 };
  }

  /** 128-D, L2-normalised embedding per face (frame pixels). */
  async embed(image: Mat, faces: Array<FaceRef | Float32Array>): Promise<Float32Array[]> {
    const session = this.embedding;
    if (!session) throw new Error('FaceDescriber.embed() before init()');
    const crops = faces.map((f) => ({ toInput: faceCrop(f, EMBEDDING_INPUT_PX) }));
    const out = await this.runBatched(session, image, crops, EMBEDDING_INPUT_PX, 'embedding');
    return out.map(normalised);
  }

  /** Probabilities in EXPRESSIONS order per face. */
  async expressions(image: Mat, faces: Array<FaceRef | Float32Array>): Promise<Float32Array[]> {
    const crops = faces.map((f) => expressionCrop(f, image.cols, image.rows, EXPRESSION_INPUT_PX));
    return this.expressionsIn(image, crops);
  }

  /** Probabilities in EXPRESSIONS order for ready-made 112-px crops (tools compare crops). */
  async expressionsIn(image: Mat, crops: RegionCrop[]): Promise<Float32Array[]> {
    const session = this.expression;
    if (!session) throw new Error('expression model not loaded (expression.enabled is false)');
    return this.runBatched(session, image, crops, EXPRESSION_INPUT_PX, 'probabilities');
  }

  private async runBatched(
    session: ModelSession,
    image: Mat,
    crops: RegionCrop[],
    sizePx: number,
    output: string,
  ): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const fixed = fixedBatch(session);
    // A free batch dimension: one batch per pool worker, run at once; else the model's batch.
    const chunks =
      fixed === undefined
        ? faceBatches(crops, this.options.models.parallelism ?? 1)
        : Array.from({ length: Math.ceil(crops.length / fixed) }, (_, k) =>
            crops.slice(k * fixed, (k + 1) * fixed),
          );
    const results = await startInTurn(chunks, (chunk) =>
      this.runChunk(session, image, chunk, fixed ?? chunk.length, sizePx, output),
    );
    return results.flat();
  }

  private async runChunk(
    session: ModelSession,
    image: Mat,
    chunk: RegionCrop[],
    batch: number,
    sizePx: number,
    output: string,
  ): Promise<Float32Array[]> {
    const plane = 3 * sizePx * sizePx;
    const input = new Float32Array(batch * plane);
    chunk.forEach((crop, i) => {
      this.crops.warpInto(image, crop.toInput, sizePx, input, i, RAW_0_255, crop.region);
    });
    const out = await session.run({
      [session.inputNames[0] ?? 'input']: new ort.Tensor('float32', input, [
        batch,
        3,
        sizePx,
        sizePx,
      ]),
    });
    const data = out[output]?.data;
    if (!(data instanceof Float32Array)) {
      throw new Error(`face model: output '${output}' is missing or not float32`);
    }
    const width = data.length / batch;
    return chunk.map((_, i) => data.slice(i * width, (i + 1) * width));
  }
}
