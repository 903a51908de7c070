// The few graph-editing helpers the quantiser needs on top of the shared proto layer
// (tools/models/onnx/proto.ts): typed tensors, nodes and attribute reads for existing graphs.
import type onnxProto from 'onnx-proto';
import {
  decodeModel,
  encodeModel,
  type GraphProto,
  type ModelProto,
  makeTensor,
  type NodeProto,
  onnx,
  type TensorProto,
  tensorDims,
  tensorToFloat32,
  toNumber,
} from '../onnx/proto.js';

export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type { GraphProto, ModelProto, NodeProto, TensorProto };
export { decodeModel, encodeModel, onnx, tensorDims, tensorToFloat32, toNumber };

export const DataType = onnx.TensorProto.DataType;

export function requireGraph(model: { graph?: GraphProto | null }): GraphProto {
  if (!model.graph) throw new Error('ONNX model has no graph');
  return model.graph;
}

/** A deep copy (through the wire format), so edits never reach the caller's model. */
export function cloneModel(model: ModelProto): ModelProto {
  return decodeModel(encodeModel(model));
}

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return makeTensor(name, values, dims);
}

export function int8Tensor(name: string, dims: number[], values: Int8Array): TensorProto {
  return makeTensor(name, values, dims);
}

export function uint8Tensor(name: string, dims: number[], values: Uint8Array): TensorProto {
  return makeTensor(name, values, dims);
}

export function int32Tensor(name: string, dims: number[], values: Int32Array): TensorProto {
  return makeTensor(name, values, dims);
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: AttributeProto[] = [],
): NodeProto {
  return { opType, input: inputs, output: outputs, name, attribute: attributes };
}

export function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

export function getAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function getIntAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = getAttribute(node, name);
  return attribute ? toNumber(attribute.i) : fallback;
}

/** The default-domain opset the model imports (0 when it imports none). */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : 0;
}
