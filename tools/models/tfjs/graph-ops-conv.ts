// Convolution, pooling, matmul and their fused activations (TF NHWC ops -> ONNX NCHW nodes).
import { f } from '../onnx/graph-builder.js';
import type { ConvertContext } from './graph-context.js';
import {
  convFilterToOnnx,
  depthwiseFilterToOnnx,
  samePads,
  type Value,
  validOut,
} from './graph-layout.js';
import { attrFloat, attrInts, attrString, attrStrings, type TfNode } from './graph-model.js';
import { lowerPrelu } from './graph-ops-prelu.js';

/** Spatial padding and output size from TF's padding attribute (NHWC attribute order). */
function spatial(node: TfNode, x: Value, kernel: number[], strides: number[], dilations: number[]) {
  const padding = attrString(node, 'padding');
  const pads = { top: 0, left: 0, bottom: 0, right: 0 };
  const out = [0, 1].map((axis) => {
    const inSize = x.shape[axis + 1] ?? -1;
    const k = kernel[axis] ?? 1;
    const s = strides[axis] ?? 1;
    const d = dilations[axis] ?? 1;
    if (inSize < 0) throw new Error(`${node.op} ${node.name}: spatial size unknown`);
    if (padding === 'VALID') return validOut(inSize, k, s, d);
    if (padding === 'SAME') {
      const p = samePads(inSize, k, s, d);
      if (axis === 0) Object.assign(pads, { top: p.begin, bottom: p.end });
      else Object.assign(pads, { left: p.begin, right: p.end });
      return p.out;
    }
    if (padding === 'EXPLICIT') {
      // explicit_paddings: [before, after] per NHWC axis.
      const e = attrInts(node, 'explicit_paddings');
      const before = e[2 * (axis + 1)] ?? 0;
      const after = e[2 * (axis + 1) + 1] ?? 0;
      if (axis === 0) Object.assign(pads, { top: before, bottom: after });
      else Object.assign(pads, { left: before, right: after });
      return validOut(inSize + before + after, k, s, d);
    }
    throw new Error(`${node.op} ${node.name}: padding ${padding} not supported`);
  });
  return {
    pads: [pads.top, pads.left, pads.bottom, pads.right],
    outH: out[0] ?? 0,
    outW: out[1] ?? 0,
  };
}

function requireNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format', 'NHWC');
  if (format !== 'NHWC')
    throw new Error(`${node.op} ${node.name}: data_format ${format} not supported`);
}

/**
 * TF "fused_ops" after the main op: BiasAdd uses the first extra arg (returned as `bias`, so Conv
 * and Gemm take it as their own input rather than a separate Add), Prelu the next one.
 */
function fusedTail(
  ctx: ConvertContext,
  node: TfNode,
  firstArg: number,
  /** Channels of an NCHW conv output; undefined for a MatMul, whose output stays in TF order. */
  nchwChannels: number | undefined,
): { bias?: string; activate: (x: string) => string } {
  const ops = attrStrings(node, 'fused_ops');
  if (ops.length > 0 && ops[0] !== 'BiasAdd') {
    throw new Error(
      `${node.op} node ${node.name}: fused ops ${ops.join(',')} must start with BiasAdd`,
    );
  }
  let bias: string | undefined;
  let arg = firstArg;
  const steps: ((x: string) => string)[] = [];
  for (const op of ops) {
    if (op === 'BiasAdd') {
      const b = ctx.constant(node, arg++);
      bias = ctx.weight(`${node.name}/bias`, b.data, b.shape);
    } else if (op === 'Relu') {
      steps.push((x) => ctx.g.node('Relu', [x], 1)[0] ?? '');
    } else if (op === 'Relu6') {
      steps.push((x) => ctx.g.node('Clip', [x, ctx.g.float([0]), ctx.g.float([6])], 1)[0] ?? '');
    } else if (op === 'Elu') {
      steps.push((x) => ctx.g.node('Elu', [x], 1)[0] ?? '');
    } else if (op === 'Sigmoid') {
      steps.push((x) => ctx.g.node('Sigmoid', [x], 1)[0] ?? '');
    } else if (op === 'LeakyRelu') {
      const alpha = attrFloat(node, 'leakyrelu_alpha', 0.2);
      steps.push((x) => ctx.g.node('LeakyRelu', [x], 1, { alpha: f(alpha) })[0] ?? '');
    } else if (op === 'Prelu') {
      const slope = ctx.input(node, arg++);
      steps.push((x) => {
        const nchw = nchwChannels !== undefined;
        const lowered = nchw ? lowerPrelu(ctx, x, slope.constant, nchwChannels) : undefined;
        if (lowered) return lowered;
        const s = nchw ? ctx.nchw(slope) : ctx.tf(slope);
        return ctx.g.node('PRelu', [x, s], 1)[0] ?? '';
      });
    } else {
      throw new Error(`${node.op} node ${node.name}: fused op ${op} not supported`);
    }
  }
  return {
    ...(bias === undefined ? {} : { bias }),
    activate: (x) => steps.reduce((acc, step) => step(acc), x),
  };
}

/** Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative. */
export function convertConv(ctx: ConvertContext, node: TfNode, depthwise: boolean): Value[] {
  requireNhwc(node);
  const x = ctx.input(node, 0);
  const filter = ctx.constant(node, 1);
  const strides = attrInts(node, 'strides', [1, 1, 1, 1]).slice(1, 3);
  const dilations = attrInts(node, 'dilations', [1, 1, 1, 1]).slice(1, 3);
  const [kh = 1, kw = 1, cin = 1, last = 1] = filter.shape;
  const w = depthwise ? depthwiseFilterToOnnx(filter) : convFilterToOnnx(filter);
  const cout = depthwise ? cin * last : last;
  const { pads, outH, outW } = spatial(node, x, [kh, kw], strides, dilations);
  const tail = fusedTail(ctx, node, 2, cout);
  const inputs = [ctx.nchw(x), ctx.weight(`${node.name}/weights`, w.data, w.shape)];
  if (tail.bias) inputs.push(tail.bias);
  const [conv] = ctx.g.node(
    'Conv',
    inputs,
    1,
    { kernel_shape: [kh, kw], strides, dilations, pads, group: depthwise ? cin : 1 },
    { name: node.name },
  );
  const out = tail.activate(conv ?? '');
  return [{ name: out, layout: 'nchw', shape: [x.shape[0] ?? -1, outH, outW, cout] }];
}

/** MaxPool / AvgPool (TF SAME average pooling ignores padded cells, as ONNX does by default). */
export function convertPool(
  ctx: ConvertContext,
  node: TfNode,
  onnxOp: 'MaxPool' | 'AveragePool',
): Value[] {
  requireNhwc(node);
  const x = ctx.input(node, 0);
  const kernel = attrInts(node, 'ksize').slice(1, 3);
  const strides = attrInts(node, 'strides').slice(1, 3);
  const { pads, outH, outW } = spatial(node, x, kernel, strides, [1, 1]);
  const attrs = { kernel_shape: kernel, strides, pads };
  const [out] = ctx.g.node(onnxOp, [ctx.nchw(x)], 1, attrs, { name: node.name });
  return [
    { name: out ?? '', layout: 'nchw', shape: [x.shape[0] ?? -1, outH, outW, x.shape[3] ?? -1] },
  ];
}

/** MatMul / _FusedMatMul with a constant right-hand side -> Gemm (+ fused activation). */
export function convertMatMul(ctx: ConvertContext, node: TfNode): Value[] {
  const a = ctx.input(node, 0);
  const b = ctx.input(node, 1);
  const transA = node.attr.transpose_a?.b ?? false;
  const transB = node.attr.transpose_b?.b ?? false;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`${node.op} node ${node.name}: only rank-2 MatMul is supported`);
  }
  const tail = fusedTail(ctx, node, 2, undefined);
  const inputs = [ctx.tf(a), ctx.tf(b)];
  if (tail.bias) inputs.push(tail.bias);
  const attrs = { transA: transA ? 1 : 0, transB: transB ? 1 : 0 };
  const [gemm] = ctx.g.node('Gemm', inputs, 1, attrs, { name: node.name });
  const rows = (transA ? a.shape[1] : a.shape[0]) ?? -1;
  const cols = (transB ? b.shape[0] : b.shape[1]) ?? -1;
  return [{ name: tail.activate(gemm ?? ''), layout: 'tf', shape: [rows, cols] }];
}
