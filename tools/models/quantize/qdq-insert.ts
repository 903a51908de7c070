// Rewrites a planned float graph into QDQ form: per-channel symmetric int8 weights with int32
// biases, and one QuantizeLinear→DequantizeLinear pair per planned activation tensor. onnxruntime
// then fuses DQ→op→Q patterns into its int8 kernels (QLinearConv, QGemm, QLinearAdd, …).
import type { TensorRange } from './calibrators.js';
import {
  floatTensor,
  type GraphProto,
  getIntAttribute,
  int8Tensor,
  int32Tensor,
  intAttribute,
  makeNode,
  type NodeProto,
  type TensorProto,
  tensorDims,
  uint8Tensor,
} from './onnx-io.js';
import { GraphIndex, type QdqPlan } from './qdq-plan.js';

export type ActivationType = 'uint8' | 'int8';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface InsertOptions {
  graph: GraphProto;
  plan: QdqPlan;
  ranges: Map<string, TensorRange>;
  activationType: ActivationType;
}

export interface InsertReport {
  quantizedWeights: number;
  quantizedActivations: number;
  /** Planned tensors that had no calibrated range (left float). */
  uncalibrated: string[];
}

/**
 * Weights are symmetric over ±63 (7 bits, onnxruntime's "reduce_range"). On x86 CPUs without VNNI
 * (AVX2: e.g. AMD Zen 3) onnxruntime multiplies uint8 activations by int8 weights with vpmaddubsw,
 * which adds each pair of products in 16 bits and saturates: 2 × 255 × 127 overflows, 2 × 255 × 63
 * = 32130 does not. Measured on such a CPU with ±127: the shipped SSD lost a sample face, the
 * embedding kept cosine 0.973 to fp32 (a second id on franck), the tiny test net erred 7 %. VNNI
 * and ARM (the Pi) sum in 32 bits and lose only the bit.
 */
const WEIGHT_MAX = 63;

/** Asymmetric 8-bit parameters over a range widened to include 0 (so 0 is exact: padding, ReLU). */
export function activationParams(range: TensorRange, type: ActivationType): QuantParams {
  const low = Math.min(range.low, 0);
  let high = Math.max(range.high, 0);
  if (high - low < 1e-12) high = low + 1e-6;
  const scale = Math.fround((high - low) / 255);
  const qmin = type === 'uint8' ? 0 : -128;
  const zeroPoint = Math.min(qmin + 255, Math.max(qmin, Math.round(qmin - low / scale)));
  return { scale, zeroPoint };
}

export function insertQdq(options: InsertOptions): InsertReport {
  const { graph, plan, ranges, activationType } = options;
  const index = new GraphIndex(graph);
  const params = new Map<string, QuantParams>();
  const uncalibrated: string[] = [];
  for (const name of plan.activations) {
    const shared = plan.sharedParams.get(name);
    const sharedParams = shared === undefined ? undefined : params.get(shared);
    const range = ranges.get(name);
    if (sharedParams) params.set(name, sharedParams);
    else if (range) params.set(name, activationParams(range, activationType));
    else uncalibrated.push(name);
  }
  const newInitializers: TensorProto[] = [];
  const newNodes = new Map<NodeProto, NodeProto[]>();
  const graphInputNodes: NodeProto[] = [];
  const rename = new Map<string, string>();
  for (const [name, p] of params) {
    const q = quantizePair(name, p, activationType);
    newInitializers.push(...q.initializers);
    const producer = index.producers.get(name);
    if (producer?.output) {
      // Rename at the producer so every consumer (and a graph output) reads the DQ result.
      producer.output[producer.output.indexOf(name)] = `${name}_fp32`;
      q.quantize.input = [`${name}_fp32`, ...(q.quantize.input ?? []).slice(1)];
      q.dequantize.output = [name];
      newNodes.set(producer, [q.quantize, q.dequantize]);
    } else {
      q.dequantize.output = [`${name}_dq`];
      rename.set(name, `${name}_dq`);
      graphInputNodes.push(q.quantize, q.dequantize);
    }
  }
  let quantizedWeights = 0;
  const weightCache = new Map<string, { name: string; scales: Float32Array }>();
  for (const node of plan.quantizedNodes) {
    const inputs = node.input ?? [];
    if (
      node.opType === 'Conv' ||
      node.opType === 'ConvTranspose' ||
      node.opType === 'Gemm' ||
      node.opType === 'MatMul'
    ) {
      const weight = quantizeWeight(node, index, weightCache, newInitializers, graphInputNodes);
      if (!weight) continue;
      quantizedWeights++;
      inputs[1] = weight.name;
      const inputParams = params.get(inputs[0] ?? '');
      const bias = inputs[2];
      if (bias && inputParams && (node.opType !== 'Gemm' || plainGemm(node))) {
        inputs[2] = quantizeBias(
          bias,
          index,
          inputParams.scale,
          weight.scales,
          newInitializers,
          graphInputNodes,
        );
      }
    }
    node.input = inputs.map((name) => rename.get(name) ?? name);
  }
  for (const node of graph.node ?? []) {
    if (!plan.quantizedNodes.includes(node)) {
      node.input = (node.input ?? []).map((name) => rename.get(name) ?? name);
    }
  }
  const ordered: NodeProto[] = [...graphInputNodes];
  for (const node of graph.node ?? []) ordered.push(node, ...(newNodes.get(node) ?? []));
  graph.node = ordered;
  const usedInputs = new Set(ordered.flatMap((n) => n.input ?? []));
  graph.initializer = [...(graph.initializer ?? []), ...newInitializers].filter((t) =>
    usedInputs.has(t.name ?? ''),
  );
  return { quantizedWeights, quantizedActivations: params.size, uncalibrated };
}

function plainGemm(node: NodeProto): boolean {
  const alpha = (node.attribute ?? []).find((a) => a.name === 'alpha')?.f ?? 1;
  const beta = (node.attribute ?? []).find((a) => a.name === 'beta')?.f ?? 1;
  return alpha === 1 && beta === 1;
}

function quantizePair(name: string, p: QuantParams, type: ActivationType) {
  const scaleName = `${name}_scale`;
  const zeroName = `${name}_zero_point`;
  const zero =
    type === 'uint8'
      ? uint8Tensor(zeroName, [], Uint8Array.of(p.zeroPoint))
      : int8Tensor(zeroName, [], Int8Array.of(p.zeroPoint));
  return {
    initializers: [floatTensor(scaleName, [], Float32Array.of(p.scale)), zero],
    quantize: makeNode(
      'QuantizeLinear',
      [name, scaleName, zeroName],
      [`${name}_q`],
      `${name}_QuantizeLinear`,
    ),
    dequantize: makeNode(
      'DequantizeLinear',
      [`${name}_q`, scaleName, zeroName],
      [`${name}_dq`],
      `${name}_DequantizeLinear`,
    ),
  };
}

/** Output-channel axis of the weight, as the int8 kernels expect per-channel scales. */
function weightAxis(node: NodeProto): number {
  if (node.opType === 'ConvTranspose' || node.opType === 'MatMul') return 1;
  if (node.opType === 'Gemm') return getIntAttribute(node, 'transB', 0) === 1 ? 0 : 1;
  return 0;
}

function quantizeWeight(
  node: NodeProto,
  index: GraphIndex,
  cache: Map<string, { name: string; scales: Float32Array }>,
  initializers: TensorProto[],
  nodes: NodeProto[],
) {
  const source = node.input?.[1] ?? '';
  const axis = weightAxis(node);
  const key = `${source}@${axis}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const values = index.initializers.get(source);
  const tensor = (index.graph.initializer ?? []).find((t) => t.name === source);
  if (!values || !tensor) return undefined;
  const dims = tensorDims(tensor);
  const channels = dims[axis] ?? 1;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const scales = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    scales[c] = Math.max(scales[c] ?? 0, Math.abs(values[i] ?? 0));
  }
  for (let c = 0; c < channels; c++)
    scales[c] = Math.fround((scales[c] || WEIGHT_MAX) / WEIGHT_MAX);
  const quantized = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[Math.floor(i / inner) % channels] ?? 1;
    quantized[i] = Math.max(
      -WEIGHT_MAX,
      Math.min(WEIGHT_MAX, Math.round((values[i] ?? 0) / scale)),
    );
  }
  const name = `${source}_dq`;
  initializers.push(
    int8Tensor(`${source}_q`, dims, quantized),
    floatTensor(`${source}_scale`, [channels], scales),
    int8Tensor(`${source}_zero_point`, [channels], new Int8Array(channels)),
  );
  nodes.push(
    makeNode(
      'DequantizeLinear',
      [`${source}_q`, `${source}_scale`, `${source}_zero_point`],
      [name],
      `${source}_DequantizeLinear`,
      [intAttribute('axis', axis)],
    ),
  );
  const result = { name, scales };
  cache.set(key, result);
  return result;
}

/** int32 bias at scale input×weight per channel, the form QLinearConv/QGemm add in int32. */
function quantizeBias(
  source: string,
  index: GraphIndex,
  inputScale: number,
  weightScales: Float32Array,
  initializers: TensorProto[],
  nodes: NodeProto[],
): string {
  const values = index.initializers.get(source);
  if (!values || values.length !== weightScales.length) return source;
  const scales = weightScales.map((w) => Math.fround(inputScale * w));
  const quantized = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    quantized[i] = Math.round((values[i] ?? 0) / (scales[i] || 1));
  }
  const tag = `${source}_${nodes.length}`;
  initializers.push(
    int32Tensor(`${tag}_q`, [values.length], quantized),
    floatTensor(`${tag}_scale`, [values.length], scales),
    int32Tensor(`${tag}_zero_point`, [values.length], new Int32Array(values.length)),
  );
  nodes.push(
    makeNode(
      'DequantizeLinear',
      [`${tag}_q`, `${tag}_scale`, `${tag}_zero_point`],
      [`${tag}_dq`],
      `${tag}_DequantizeLinear`,
      [intAttribute('axis', 0)],
    ),
  );
  return `${tag}_dq`;
}
