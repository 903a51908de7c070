/**
 * Reads a TensorFlow.js weights manifest (the `weightsManifest` format shared by
 * layers models, graph models and face-api's `*-weights_manifest.json`) and its
 * .bin shards, and returns every weight as a named float32 tensor.
 *
 * Quantised entries (`quantization: { dtype: 'uint8'|'uint16', scale, min }` and
 * `quantization: { dtype: 'float16' }`) are dequantised exactly as tfjs-core's
 * `decodeWeights` does: `value = q * scale + min` for integer codes, IEEE half
 * decoding for float16. int32 tensors (graph-model shape constants) are returned
 * as float32 too, with the exact integers kept in `int32` for callers that need them.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type TfjsDtype = 'float32' | 'int32' | 'bool';

export interface WeightQuantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: TfjsDtype;
  quantization?: WeightQuantization;
}

export interface WeightsGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface NamedTensor {
  shape: number[];
  /** Dtype of the tensor in the original model (after dequantisation). */
  dtype: TfjsDtype;
  data: Float32Array;
  /** Exact values of int32 tensors (shape constants, axes). */
  int32?: Int32Array;
}

export type WeightMap = Map<string, NamedTensor>;

const BYTES_PER_CODE: Record<WeightQuantization['dtype'], number> = {
  uint8: 1,
  uint16: 2,
  float16: 2,
};

const BYTES_PER_DTYPE: Record<TfjsDtype, number> = { float32: 4, int32: 4, bool: 1 };

function elementCount(shape: number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** IEEE 754 half → single; tfjs stores float16 little-endian. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (mantissa / 1024);
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

function decodeOne(spec: WeightSpec, bytes: DataView): NamedTensor {
  const count = elementCount(spec.shape);
  const data = new Float32Array(count);
  const q = spec.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      for (let i = 0; i < count; i++) data[i] = halfToFloat(bytes.getUint16(i * 2, true));
    } else {
      if (q.scale === undefined || q.min === undefined) {
        throw new Error(`weight ${spec.name}: ${q.dtype} quantisation without scale/min`);
      }
      const { scale, min } = q;
      for (let i = 0; i < count; i++) {
        const code = q.dtype === 'uint8' ? bytes.getUint8(i) : bytes.getUint16(i * 2, true);
        data[i] = code * scale + min;
      }
    }
    if (spec.dtype === 'int32') {
      const int32 = Int32Array.from(data, (v) => Math.round(v));
      return { shape: spec.shape, dtype: spec.dtype, data: Float32Array.from(int32), int32 };
    }
    return { shape: spec.shape, dtype: spec.dtype, data };
  }
  if (spec.dtype === 'float32') {
    for (let i = 0; i < count; i++) data[i] = bytes.getFloat32(i * 4, true);
    return { shape: spec.shape, dtype: spec.dtype, data };
  }
  if (spec.dtype === 'int32') {
    const int32 = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      int32[i] = bytes.getInt32(i * 4, true);
      data[i] = int32[i] ?? 0;
    }
    return { shape: spec.shape, dtype: spec.dtype, data, int32 };
  }
  for (let i = 0; i < count; i++) data[i] = bytes.getUint8(i);
  return { shape: spec.shape, dtype: spec.dtype, data };
}

function byteLength(spec: WeightSpec): number {
  const per = spec.quantization
    ? BYTES_PER_CODE[spec.quantization.dtype]
    : BYTES_PER_DTYPE[spec.dtype];
  if (per === undefined) throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
  return elementCount(spec.shape) * per;
}

/**
 * Decodes already-loaded shard bytes. Each group's shards are concatenated in
 * `paths` order and its weights laid out back to back, as tfjs writes them.
 */
export function decodeWeights(manifest: WeightsGroup[], shardsPerGroup: Uint8Array[][]): WeightMap {
  const out: WeightMap = new Map();
  manifest.forEach((group, g) => {
    const shards = shardsPerGroup[g] ?? [];
    const total = shards.reduce((n, s) => n + s.byteLength, 0);
    const buffer = new Uint8Array(total);
    let at = 0;
    for (const shard of shards) {
      buffer.set(shard, at);
      at += shard.byteLength;
    }
    let offset = 0;
    for (const spec of group.weights) {
      const size = byteLength(spec);
      if (offset + size > total) {
        throw new Error(
          `weight ${spec.name} needs bytes ${offset}..${offset + size} but group ${g} (${group.paths.join(', ')}) has ${total}: shard truncated or manifest mismatch`,
        );
      }
      out.set(spec.name, decodeOne(spec, new DataView(buffer.buffer, offset, size)));
      offset += size;
    }
  });
  return out;
}

/** Accepts either a bare manifest array or a model.json with `weightsManifest`. */
export function manifestOf(json: unknown): WeightsGroup[] {
  if (Array.isArray(json)) return json as WeightsGroup[];
  if (json && typeof json === 'object' && 'weightsManifest' in json) {
    return (json as { weightsManifest: WeightsGroup[] }).weightsManifest;
  }
  throw new Error('not a TFJS weights manifest: expected an array or { weightsManifest }');
}

/**
 * Loads `manifestPath` (face-api `*-weights_manifest.json` or a graph model's
 * model.json) and the .bin shards it names (resolved next to it).
 */
export async function readWeights(manifestPath: string): Promise<WeightMap> {
  const manifest = manifestOf(JSON.parse(await readFile(manifestPath, 'utf8')));
  const dir = dirname(manifestPath);
  const shards = await Promise.all(
    manifest.map((group) =>
      Promise.all(group.paths.map(async (p) => new Uint8Array(await readFile(join(dir, p))))),
    ),
  );
  return decodeWeights(manifest, shards);
}
