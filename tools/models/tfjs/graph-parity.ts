/**
 * Parity of a converted graph model: the same real pixels through the original TFJS graph model
 * (@tensorflow/tfjs + wasm backend) and through onnxruntime-node on the ONNX file; reports
 * max |tfjs - onnx| per output and that error relative to the largest |tfjs| value.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';
import { cv } from '../../../src/capture/cv.js';
import type { GraphOutput } from './graph-convert.js';
import type { TfGraphModel } from './graph-model.js';

export interface ParityRow {
  output: string;
  maxAbsError: number;
  maxAbsReference: number;
  /** maxAbsError / maxAbsReference. */
  relativeError: number;
}

/** Selects tfjs's wasm backend, with its .wasm files from node_modules (nothing downloaded). */
export async function useTfjsWasm(): Promise<void> {
  // The .wasm files sit next to the package's node entry point (dist/).
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${dist}/`);
  await tf.setBackend('wasm');
  await tf.ready();
}

/** Loads the original graph model into tfjs from the same model.json + shards. */
export async function loadTfjsGraphModel(model: TfGraphModel): Promise<tf.GraphModel> {
  const groups = model.json.weightsManifest as {
    paths: string[];
    weights: tf.io.WeightsManifestEntry[];
  }[];
  const shards = await Promise.all(
    groups.flatMap((g) => g.paths.map((p) => readFile(join(dirname(model.path), p)))),
  );
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: model.json.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
  };
  const signature = model.json.signature ?? model.json.userDefinedMetadata?.signature;
  if (signature) artifacts.signature = signature as object;
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}

/**
 * Reads an image, crops `region` (fractions of width/height; whole image by default), resizes to
 * size x size and returns RGB values 0..255 in NHWC order.
 */
export function readRgbCrop(
  path: string,
  size: number,
  region = { x: 0, y: 0, w: 1, h: 1 },
): Float32Array {
  if (!existsSync(path)) throw new Error(`image ${path} does not exist`);
  const img = cv.imread(path);
  const rect = new cv.Rect(
    Math.round(region.x * img.cols),
    Math.round(region.y * img.rows),
    Math.round(region.w * img.cols),
    Math.round(region.h * img.rows),
  );
  const crop = img.getRegion(rect).resize(size, size).cvtColor(cv.COLOR_BGR2RGB);
  return Float32Array.from(crop.getData());
}

/** NHWC -> NCHW for a batch of images, applying input = rgb * scale + offset. */
export function toNchw(
  nhwc: Float32Array,
  batch: number,
  size: number,
  channels: number,
  scale: number,
  offset: number,
) {
  const out = new Float32Array(nhwc.length);
  const plane = size * size;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const v = nhwc[(n * plane + p) * channels + c] ?? 0;
        out[(n * channels + c) * plane + p] = v * scale + offset;
      }
    }
  }
  return out;
}

/** Runs both runtimes on the same batch and compares each output element-wise. */
export async function compareOutputs(options: {
  tfjsModel: tf.GraphModel;
  session: ort.InferenceSession;
  /** RGB 0..255, NHWC, `batch` images of size x size. */
  rgb: Float32Array;
  batch: number;
  size: number;
  scale: number;
  offset: number;
  outputs: GraphOutput[];
  /** Largest batch the TFJS model takes (1 for models whose reshapes fix it); the rest is split. */
  referenceBatch?: number;
}): Promise<ParityRow[]> {
  const { batch, size, scale, offset, outputs } = options;
  const channels = options.rgb.length / (batch * size * size);
  const chunk = Math.min(options.referenceBatch ?? batch, batch);
  const parts: Float32Array[][] = [];
  for (let start = 0; start < batch; start += chunk) {
    const n = Math.min(chunk, batch - start);
    const pixels = options.rgb.subarray(
      start * size * size * channels,
      (start + n) * size * size * channels,
    );
    const tfInput = tf.tidy(() =>
      tf.tensor4d(pixels, [n, size, size, channels]).mul(scale).add(offset),
    );
    const executed = options.tfjsModel.execute(
      tfInput,
      outputs.map((o) => o.tensor),
    );
    // tfjs returns a bare tensor when one output is asked for.
    const tfOut = Array.isArray(executed) ? executed : [executed];
    parts.push(await Promise.all(tfOut.map((t) => t.data() as Promise<Float32Array>)));
    tf.dispose([tfInput, ...tfOut]);
  }
  const reference = outputs.map((_, i) =>
    concatFloats(parts.map((p) => p[i] ?? new Float32Array())),
  );

  const nchw = toNchw(options.rgb, batch, size, channels, scale, offset);
  const feeds = {
    [options.session.inputNames[0] ?? 'input']: new ort.Tensor('float32', nchw, [
      batch,
      channels,
      size,
      size,
    ]),
  };
  const result = await options.session.run(feeds);
  return outputs.map((o, i) => {
    const ref = reference[i] ?? new Float32Array();
    const got = result[o.name]?.data as Float32Array | undefined;
    if (!got || got.length !== ref.length) {
      throw new Error(`output ${o.name}: onnx gave ${got?.length ?? 0} values, tfjs ${ref.length}`);
    }
    let maxAbsError = 0;
    let maxAbsReference = 0;
    for (let k = 0; k < ref.length; k++) {
      maxAbsError = Math.max(maxAbsError, Math.abs((ref[k] ?? 0) - (got[k] ?? 0)));
      maxAbsReference = Math.max(maxAbsReference, Math.abs(ref[k] ?? 0));
    }
    return {
      output: o.name,
      maxAbsError,
      maxAbsReference,
      relativeError: maxAbsError / (maxAbsReference || 1),
    };
  });
}

function concatFloats(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
