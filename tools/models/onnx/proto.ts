// Thin layer over the generated ONNX protobuf classes (onnx-proto 8, ONNX v1.10 schema, IR 8):
// element types, tensor <-> typed-array conversion, read/write of whole models.
// Kept apart from GraphBuilder so the quantiser can load and edit existing models with the same helpers.
import { readFileSync, writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** Element types the builder supports, by their ONNX names. */
export type ElemType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

const DT = onnx.TensorProto.DataType;
export const ELEM_TYPE_CODE: Record<ElemType, number> = {
  float32: DT.FLOAT,
  float16: DT.FLOAT16,
  int8: DT.INT8,
  uint8: DT.UINT8,
  int32: DT.INT32,
  int64: DT.INT64,
  bool: DT.BOOL,
};

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

/** Builds a TensorProto holding `data` as little-endian raw bytes (the compact form ORT reads fastest). */
export function makeTensor(
  name: string,
  data: TensorData,
  dims: readonly number[],
  elemType: ElemType = elemTypeOf(data),
): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(
      `tensor ${name}: dims [${dims.join(',')}] hold ${count} values, data has ${data.length}`,
    );
  }
  // Copy so later edits to the caller's array cannot change the saved model.
  const rawData = new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { name, dims: [...dims], dataType: ELEM_TYPE_CODE[elemType], rawData };
}

/** Protobuf int64 fields decode as Long-like objects or numbers; this gives a plain number. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Reads a float32 tensor (raw_data or float_data) into a Float32Array. */
export function tensorToFloat32(t: TensorProto): Float32Array {
  if (t.dataType !== DT.FLOAT)
    throw new Error(`tensor ${t.name}: expected FLOAT, got type ${t.dataType}`);
  if (t.rawData && t.rawData.length > 0) {
    // Decoded raw_data may be a Buffer view at an odd offset (and Buffer.slice does not copy): copy it.
    const copy = new Uint8Array(t.rawData);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => toNumber(d));
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function readModel(path: string): ModelProto {
  return decodeModel(readFileSync(path));
}

export function writeModel(path: string, model: ModelProto): void {
  writeFileSync(path, encodeModel(model));
}
