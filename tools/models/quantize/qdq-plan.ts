// Decides what the quantiser touches in a float graph: which nodes become int8, which activation
// tensors need a QuantizeLinear/DequantizeLinear pair, and which ReLU/Clip nodes fold into the
// quantisation of the tensor before them. qdq-insert.ts does the rewriting of weights and pairs.
import {
  type GraphProto,
  getAttribute,
  type NodeProto,
  tensorToFloat32,
  toNumber,
} from './onnx-io.js';

/** Ops with an int8 kernel that reads a constant weight (input 1). */
export const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
/** Ops onnxruntime runs in int8 when every input and the output are quantised. */
const ARITHMETIC_OPS = new Set(['Add', 'Concat', 'AveragePool', 'GlobalAveragePool', 'LeakyRelu']);
/**
 * Ops that only move or select values: onnxruntime drops their Q/DQ pairs when input and output
 * share one scale and zero point, so the output reuses the input's parameters.
 */
export const PASS_THROUGH_OPS = new Set([
  'MaxPool',
  'Reshape',
  'Transpose',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Resize',
  'Pad',
]);
/**
 * Float-only element-wise ops between int8 ops (onnxruntime has no int8 PRelu; a ReLU that cannot
 * fold): they keep a Q/DQ on both sides so the convs around them still fuse to int8 kernels.
 */
const BRIDGE_OPS = new Set(['PRelu', 'Relu', 'Clip']);
const FOLDABLE_PRODUCERS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Add']);

export interface QdqPlanOptions {
  /** Node names (or their first output names) to leave in float. */
  floatNodes?: string[];
  /**
   * Quantise the tail too: ops after the last int8 op and graph outputs. Off by default, as it
   * costs precision in box/landmark heads and saves little time.
   */
  quantizeTail?: boolean;
}

export interface QdqPlan {
  quantizedNodes: NodeProto[];
  /** Activation tensors that get a Q/DQ pair, in graph order. */
  activations: string[];
  /** Pass-through output → the tensor whose parameters it shares. */
  sharedParams: Map<string, string>;
  foldedActivations: string[];
}

export class GraphIndex {
  readonly initializers: Map<string, Float32Array | undefined>;
  readonly producers = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly outputs: Set<string>;

  constructor(readonly graph: GraphProto) {
    this.initializers = new Map(
      (graph.initializer ?? []).map((t) => [
        t.name ?? '',
        t.dataType === 1 ? tensorToFloat32(t) : undefined,
      ]),
    );
    this.outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
    for (const node of graph.node ?? []) {
      for (const output of node.output ?? []) this.producers.set(output, node);
      for (const input of node.input ?? []) {
        if (!input) continue;
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
    }
  }

  isConstant(name: string): boolean {
    return this.initializers.has(name);
  }
}

function clipsAtZero(node: NodeProto, index: GraphIndex): boolean {
  const minAttribute = getAttribute(node, 'min');
  if (minAttribute) return minAttribute.f === 0;
  const minName = node.input?.[1];
  if (!minName) return false;
  const values = index.initializers.get(minName);
  return values !== undefined && values.length === 1 && values[0] === 0;
}

/** Zero padding keeps one scale in and out (0 is exact); edge/reflect or a non-zero value may not. */
function padsWithZero(node: NodeProto, index: GraphIndex): boolean {
  const mode = getAttribute(node, 'mode')?.s;
  if (mode && new TextDecoder().decode(mode) !== 'constant') return false;
  const valueName = node.input?.[2];
  if (!valueName) return true;
  const value = index.initializers.get(valueName);
  return value !== undefined && (value[0] ?? 0) === 0;
}

function isFloat(node: NodeProto, floatNodes: Set<string>): boolean {
  return floatNodes.has(node.name ?? '') || floatNodes.has(node.output?.[0] ?? '');
}

/** Which inputs of a node are activations the int8 kernel reads (data inputs only). */
function dataInputs(node: NodeProto): string[] {
  const inputs = node.input ?? [];
  if (node.opType === 'Add' || node.opType === 'Concat') return inputs.filter(Boolean);
  return inputs.slice(0, 1);
}

function canQuantize(node: NodeProto, index: GraphIndex): boolean {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  if (WEIGHTED_OPS.has(op)) {
    const weight = inputs[1] ?? '';
    if (!index.initializers.get(weight)) return false;
    if (op === 'ConvTranspose' && toNumber(getAttribute(node, 'group')?.i ?? 1) !== 1) return false;
    return !index.isConstant(inputs[0] ?? '');
  }
  if (op === 'Pad' && !padsWithZero(node, index)) return false;
  if (ARITHMETIC_OPS.has(op) || PASS_THROUGH_OPS.has(op) || BRIDGE_OPS.has(op)) {
    return dataInputs(node).every((name) => !index.isConstant(name));
  }
  return false;
}

export function planQdq(graph: GraphProto, options: QdqPlanOptions): QdqPlan {
  const floatNodes = new Set(options.floatNodes ?? []);
  let index = new GraphIndex(graph);
  const quantized = new Set(
    (graph.node ?? []).filter((node) => !isFloat(node, floatNodes) && canQuantize(node, index)),
  );
  const body = bodyNodes(graph, quantized, index);
  if (!options.quantizeTail) {
    for (const node of quantized) {
      if (!WEIGHTED_OPS.has(node.opType ?? '') && !body.has(node)) quantized.delete(node);
    }
  }
  const inBody = (node: NodeProto) => options.quantizeTail === true || body.has(node);
  const foldedActivations = foldActivations(graph, quantized, index, inBody);
  index = new GraphIndex(graph);
  const quantizedNodes = (graph.node ?? []).filter((node) => quantized.has(node));
  const activations: string[] = [];
  const seen = new Set<string>();
  const sharedParams = new Map<string, string>();
  const add = (name: string) => {
    if (!name || seen.has(name)) return;
    if (index.outputs.has(name) && !options.quantizeTail) return;
    seen.add(name);
    activations.push(name);
  };
  for (const node of quantizedNodes) {
    for (const input of dataInputs(node)) add(input);
    const output = node.output?.[0] ?? '';
    if (PASS_THROUGH_OPS.has(node.opType ?? '')) {
      const source = node.input?.[0] ?? '';
      sharedParams.set(output, sharedParams.get(source) ?? source);
    }
    if (inBody(node)) add(output);
  }
  return { quantizedNodes, activations, sharedParams, foldedActivations };
}

/**
 * Nodes with an int8 weighted op somewhere downstream: the graph's body. The rest is the tail
 * (box decoding, score heads, landmark reshapes), where 8-bit steps would cost precision and save
 * nothing, so the tail's element-wise ops and the last convs' outputs stay float. A float-kept
 * layer inside the body stays body: the int8 ops around it keep their Q/DQ.
 */
function bodyNodes(
  graph: GraphProto,
  quantized: Set<NodeProto>,
  index: GraphIndex,
): Set<NodeProto> {
  const body = new Set<NodeProto>();
  const nodes = graph.node ?? [];
  // Nodes are topologically sorted, so consumers are decided before their producers.
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as NodeProto;
    const reaches = (node.output ?? []).some((output) =>
      (index.consumers.get(output) ?? []).some(
        (c) => body.has(c) || (quantized.has(c) && WEIGHTED_OPS.has(c.opType ?? '')),
      ),
    );
    if (reaches) body.add(node);
  }
  return body;
}

/**
 * Removes a ReLU / Clip(0, x) whose producer is int8 and whose output is quantised: the range of
 * that output starts at 0, so QuantizeLinear itself clamps negatives and the activation is free.
 * Only then: a fold whose output stayed float would silently drop the activation.
 */
function foldActivations(
  graph: GraphProto,
  quantized: Set<NodeProto>,
  index: GraphIndex,
  inBody: (node: NodeProto) => boolean,
): string[] {
  const folded: string[] = [];
  const kept: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    const input = node.input?.[0] ?? '';
    const output = node.output?.[0] ?? '';
    const producer = index.producers.get(input);
    const foldable =
      quantized.has(node) &&
      (node.opType === 'Relu' || (node.opType === 'Clip' && clipsAtZero(node, index))) &&
      producer !== undefined &&
      quantized.has(producer) &&
      FOLDABLE_PRODUCERS.has(producer.opType ?? '') &&
      (index.consumers.get(input) ?? []).length === 1 &&
      !index.outputs.has(input) &&
      inBody(node) &&
      !index.outputs.has(output);
    if (!foldable || !producer?.output) {
      kept.push(node);
      continue;
    }
    producer.output[producer.output.indexOf(input)] = output;
    quantized.delete(node);
    folded.push(output);
  }
  graph.node = kept;
  return folded;
}
