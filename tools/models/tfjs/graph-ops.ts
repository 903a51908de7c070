// The op table: one converter per TF op. Elementwise ops keep NCHW when their operands allow;
// ops whose meaning depends on axis order either remap their axes or take TF-order input.
import { f } from '../onnx/graph-builder.js';
import type { ConvertContext } from './graph-context.js';
import {
  broadcastShapes,
  type Layout,
  NHWC_TO_NCHW_AXIS,
  nchwAxis,
  normAxis,
  type Value,
} from './graph-layout.js';
import { attrBool, attrFloat, attrString, type TfNode } from './graph-model.js';
import { convertConv, convertMatMul, convertPool } from './graph-ops-conv.js';
import { lowerPrelu } from './graph-ops-prelu.js';
import { concat, pad, reshape, squeeze, stridedSlice, transpose } from './graph-ops-shape.js';

export type OpConverter = (ctx: ConvertContext, node: TfNode) => Value[];

/** Writes `op` over operands aligned to one layout: NCHW if any is an NCHW activation and all fit. */
function elementwise(ctx: ConvertContext, node: TfNode, op: string, operands: Value[]): Value[] {
  const anyNchw = operands.some((v) => !v.constant && v.layout === 'nchw');
  const fits = operands.every((v) => (v.constant ? v.shape.length <= 4 : v.shape.length === 4));
  const layout: Layout = anyNchw && fits ? 'nchw' : 'tf';
  const names = operands.map((v) => (layout === 'nchw' ? ctx.nchw(v) : ctx.tf(v)));
  const [out] = ctx.g.node(op, names, 1, {}, { name: node.name });
  return [{ name: out ?? '', layout, shape: broadcastShapes(operands.map((v) => v.shape)) }];
}

const binary =
  (op: string): OpConverter =>
  (ctx, node) =>
    elementwise(ctx, node, op, [ctx.input(node, 0), ctx.input(node, 1)]);

const unary =
  (
    op: string,
    attrs: (node: TfNode) => Record<string, ReturnType<typeof f> | number> = () => ({}),
  ) =>
  (ctx: ConvertContext, node: TfNode): Value[] => {
    const x = ctx.input(node, 0);
    const name = x.constant ? ctx.tf(x) : x.name;
    const [out] = ctx.g.node(op, [name], 1, attrs(node));
    return [{ name: out ?? '', layout: x.constant ? 'tf' : x.layout, shape: x.shape }];
  };

function relu6(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const name = x.constant ? ctx.tf(x) : x.name;
  const [out] = ctx.g.node('Clip', [name, ctx.g.float([0]), ctx.g.float([6])], 1);
  return [{ name: out ?? '', layout: x.constant ? 'tf' : x.layout, shape: x.shape }];
}

function prelu(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const slope = ctx.input(node, 1);
  if (!x.constant && x.shape.length === 4 && x.layout === 'nchw') {
    const out = lowerPrelu(ctx, x.name, slope.constant, x.shape[3] ?? 0);
    if (out) return [{ name: out, layout: 'nchw', shape: x.shape }];
  }
  return elementwise(ctx, node, 'PRelu', [x, slope]);
}

/** Mean / Sum / Max / Min over constant axes; an NCHW input keeps NCHW when the kept axes allow. */
function reduce(onnxOp: string): OpConverter {
  return (ctx, node) => {
    const x = ctx.input(node, 0);
    const rank = x.shape.length;
    const axes = ctx.ints(node, 1).map((a) => normAxis(a, rank));
    const keep = attrBool(node, 'keep_dims', false);
    const shape = keep
      ? x.shape.map((d, a) => (axes.includes(a) ? 1 : d))
      : x.shape.filter((_, a) => !axes.includes(a));
    // Reducing H and W of NCHW without keep_dims leaves [N, C] = the TF result, so no transpose.
    const keptTf = [...Array(rank).keys()].filter((a) => !axes.includes(a));
    const keptNchw = [0, 1, 2, 3].filter((a) => !axes.map(nchwAxis).includes(a));
    const tfOrderKept = keptNchw.map((a) => NHWC_TO_NCHW_AXIS.indexOf(a as 0 | 1 | 2 | 3));
    const nchwOk = x.layout === 'nchw' && (keep || tfOrderKept.join() === keptTf.join());
    const inName = nchwOk ? x.name : ctx.tf(x);
    const onnxAxes = nchwOk ? axes.map(nchwAxis) : axes;
    // Opset 13 moved ReduceSum's axes to an input; the others keep the attribute until opset 18.
    const [out] =
      onnxOp === 'ReduceSum'
        ? ctx.g.node(onnxOp, [inName, ctx.g.int64(onnxAxes)], 1, { keepdims: keep ? 1 : 0 })
        : ctx.g.node(onnxOp, [inName], 1, { axes: onnxAxes, keepdims: keep ? 1 : 0 });
    return [{ name: out ?? '', layout: nchwOk && keep ? 'nchw' : 'tf', shape }];
  };
}

function softmax(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const [out] = ctx.g.node('Softmax', [ctx.tf(x)], 1, { axis: -1 });
  return [{ name: out ?? '', layout: 'tf', shape: x.shape }];
}

/**
 * ResizeBilinear with a constant size. ONNX wants full-rank `sizes`, so N and C come from the
 * runtime shape (batch stays free); float `scales` would round 7/5 * 5 down to 6 in shape inference.
 */
function resizeBilinear(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const [h = 0, w = 0] = ctx.ints(node, 1);
  const alignCorners = attrBool(node, 'align_corners', false);
  const halfPixel = attrBool(node, 'half_pixel_centers', false);
  const mode = alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric';
  const xn = ctx.nchw(x);
  const [shape] = ctx.g.node('Shape', [xn], 1);
  const [nc] = ctx.g.node('Slice', [shape ?? '', ctx.g.int64([0]), ctx.g.int64([2])], 1);
  const [sizes] = ctx.g.node('Concat', [nc ?? '', ctx.g.int64([h, w])], 1, { axis: 0 });
  const [out] = ctx.g.node('Resize', [xn, '', '', sizes ?? ''], 1, {
    mode: 'linear',
    coordinate_transformation_mode: mode,
  });
  return [{ name: out ?? '', layout: 'nchw', shape: [x.shape[0] ?? -1, h, w, x.shape[3] ?? -1] }];
}

function identity(ctx: ConvertContext, node: TfNode): Value[] {
  return [ctx.input(node, 0)];
}

function biasAdd(ctx: ConvertContext, node: TfNode): Value[] {
  requireNhwcFormat(node);
  return elementwise(ctx, node, 'Add', [ctx.input(node, 0), ctx.input(node, 1)]);
}

function requireNhwcFormat(node: TfNode): void {
  const format = attrString(node, 'data_format', 'NHWC');
  if (format !== 'NHWC')
    throw new Error(`${node.op} ${node.name}: data_format ${format} not supported`);
}

export const OP_TABLE: Record<string, OpConverter> = {
  Conv2D: (ctx, node) => convertConv(ctx, node, false),
  _FusedConv2D: (ctx, node) => convertConv(ctx, node, false),
  DepthwiseConv2dNative: (ctx, node) => convertConv(ctx, node, true),
  FusedDepthwiseConv2dNative: (ctx, node) => convertConv(ctx, node, true),
  MaxPool: (ctx, node) => convertPool(ctx, node, 'MaxPool'),
  AvgPool: (ctx, node) => convertPool(ctx, node, 'AveragePool'),
  MatMul: convertMatMul,
  _FusedMatMul: convertMatMul,
  BiasAdd: biasAdd,
  Add: binary('Add'),
  AddV2: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  // AddN: n-ary sum (tfjs's grappler rewrites chains of adds into it).
  AddN: (ctx, node) =>
    elementwise(
      ctx,
      node,
      'Sum',
      node.inputs.map((_, i) => ctx.input(node, i)),
    ),
  Prelu: prelu,
  Relu: unary('Relu'),
  Relu6: relu6,
  Elu: unary('Elu'),
  LeakyRelu: unary('LeakyRelu', (node) => ({ alpha: f(attrFloat(node, 'alpha', 0.2)) })),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Exp: unary('Exp'),
  Sqrt: unary('Sqrt'),
  Neg: unary('Neg'),
  Pad: pad,
  PadV2: pad,
  MirrorPad: pad,
  ConcatV2: concat,
  Reshape: reshape,
  Squeeze: squeeze,
  Transpose: transpose,
  Mean: reduce('ReduceMean'),
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Softmax: softmax,
  ResizeBilinear: resizeBilinear,
  StridedSlice: stridedSlice,
  Identity: identity,
};
