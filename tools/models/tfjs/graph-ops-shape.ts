// Shape and indexing ops: Pad, ConcatV2, Reshape, Squeeze, Transpose, StridedSlice.
// Each keeps NCHW when it can remap its axes, else works on the TF-order tensor.
import type { ConvertContext } from './graph-context.js';
import { nchwAxis, normAxis, type Value } from './graph-layout.js';
import { attrInt, attrInts, attrString, type TfNode } from './graph-model.js';

/** Pad / PadV2 / MirrorPad: paddings [rank, 2] in TF axis order, permuted when x is NCHW. */
export function pad(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const p = ctx.ints(node, 1);
  const rank = x.shape.length;
  const order = x.layout === 'nchw' ? [0, 3, 1, 2] : [...Array(rank).keys()];
  const begins = order.map((a) => p[2 * a] ?? 0);
  const ends = order.map((a) => p[2 * a + 1] ?? 0);
  let mode = 'constant';
  if (node.op === 'MirrorPad') {
    const m = attrString(node, 'mode');
    if (m !== 'REFLECT')
      throw new Error(`MirrorPad ${node.name}: mode ${m} has no ONNX equivalent`);
    mode = 'reflect';
  }
  const inputs = [x.layout === 'nchw' ? ctx.nchw(x) : ctx.tf(x), ctx.g.int64([...begins, ...ends])];
  if (node.op === 'PadV2') inputs.push(ctx.g.float(Array.from(ctx.constant(node, 2).data)));
  const [out] = ctx.g.node('Pad', inputs, 1, { mode });
  const shape = x.shape.map((d, a) => (d < 0 ? d : d + (p[2 * a] ?? 0) + (p[2 * a + 1] ?? 0)));
  return [{ name: out ?? '', layout: x.layout, shape }];
}

export function concat(ctx: ConvertContext, node: TfNode): Value[] {
  const n = node.inputs.length - 1;
  const parts = Array.from({ length: n }, (_, i) => ctx.input(node, i));
  const rank = parts[0]?.shape.length ?? 0;
  const axis = normAxis(ctx.ints(node, n)[0] ?? 0, rank);
  const allNchw = parts.every((v) => !v.constant && v.layout === 'nchw');
  const names = parts.map((v) => (allNchw ? v.name : ctx.tf(v)));
  const [out] = ctx.g.node('Concat', names, 1, { axis: allNchw ? nchwAxis(axis) : axis });
  const shape = [...(parts[0]?.shape ?? [])];
  shape[axis] = parts.reduce((s, v) => s + (v.shape[axis] ?? 0), 0);
  return [{ name: out ?? '', layout: allNchw ? 'nchw' : 'tf', shape }];
}

export function reshape(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const target = ctx.ints(node, 1);
  // With a freed batch, a leading 1 in the target was the model's fixed batch: 0 copies the real one.
  const perSample = ctx.freeBatch && x.shape[0] === -1 && target[0] === 1;
  const onnxTarget = perSample ? [0, ...target.slice(1)] : target;
  const [out] = ctx.g.node('Reshape', [ctx.tf(x), ctx.g.int64(onnxTarget)], 1);
  const dims = perSample ? x.shape.slice(1) : x.shape;
  const spec = perSample ? target.slice(1) : target;
  const product = (v: number[]) => v.reduce((a, b) => a * b, 1);
  const known = dims.every((d) => d >= 0);
  const inferred = spec.map((d) =>
    d === -1 && known ? product(dims) / product(spec.filter((e) => e !== -1)) : d,
  );
  return [{ name: out ?? '', layout: 'tf', shape: perSample ? [-1, ...inferred] : inferred }];
}

export function squeeze(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const rank = x.shape.length;
  const dims = attrInts(node, 'squeeze_dims', []).map((a) => normAxis(a, rank));
  const axes = dims.length > 0 ? dims : x.shape.flatMap((d, a) => (d === 1 ? [a] : []));
  const [out] = ctx.g.node('Squeeze', [ctx.tf(x), ctx.g.int64(axes)], 1);
  return [{ name: out ?? '', layout: 'tf', shape: x.shape.filter((_, a) => !axes.includes(a)) }];
}

export function transpose(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const perm = ctx.ints(node, 1);
  const [out] = ctx.g.node('Transpose', [ctx.tf(x)], 1, { perm });
  return [{ name: out ?? '', layout: 'tf', shape: perm.map((p) => x.shape[p] ?? -1) }];
}

/** Far enough to mean "to the end" for ONNX Slice, which clamps. */
const OPEN_END = Number.MAX_SAFE_INTEGER;

/**
 * StridedSlice with constant begin/end/strides and begin/end/shrink masks (no ellipsis or new axes).
 * An NCHW input stays NCHW (axes remapped) unless an axis is shrunk away.
 */
export function stridedSlice(ctx: ConvertContext, node: TfNode): Value[] {
  const x = ctx.input(node, 0);
  const [begin, end, steps] = [ctx.ints(node, 1), ctx.ints(node, 2), ctx.ints(node, 3)];
  const mask = (key: string) => attrInt(node, key, 0);
  if (mask('ellipsis_mask') || mask('new_axis_mask')) {
    throw new Error(`StridedSlice ${node.name}: ellipsis/new-axis masks are not supported`);
  }
  const shrink = mask('shrink_axis_mask');
  const axes = begin.map((_, a) => a);
  const starts: number[] = [];
  const ends: number[] = [];
  const shape = [...x.shape];
  for (const a of axes) {
    const step = steps[a] ?? 1;
    const bit = 1 << a;
    let s0 = mask('begin_mask') & bit ? (step > 0 ? 0 : -1) : (begin[a] ?? 0);
    let e0 = mask('end_mask') & bit ? (step > 0 ? OPEN_END : -OPEN_END) : (end[a] ?? 0);
    if (shrink & bit) {
      s0 = begin[a] ?? 0;
      e0 = s0 === -1 ? OPEN_END : s0 + 1;
    }
    starts.push(s0);
    ends.push(e0);
    shape[a] = sliceLength(x.shape[a] ?? -1, s0, e0, step);
  }
  const shrunk = axes.filter((a) => shrink & (1 << a));
  const nchw = x.layout === 'nchw' && shrunk.length === 0;
  const onnxAxes = nchw ? axes.map(nchwAxis) : axes;
  const inputs = [
    nchw ? x.name : ctx.tf(x),
    ctx.g.int64(starts),
    ctx.g.int64(ends),
    ctx.g.int64(onnxAxes),
  ];
  let [out] = ctx.g.node('Slice', [...inputs, ctx.g.int64(axes.map((a) => steps[a] ?? 1))], 1);
  if (shrunk.length > 0) [out] = ctx.g.node('Squeeze', [out ?? '', ctx.g.int64(shrunk)], 1);
  const outShape = shape.filter((_, a) => !shrunk.includes(a));
  return [{ name: out ?? '', layout: nchw ? 'nchw' : 'tf', shape: outShape }];
}

/** Elements a Python-style slice keeps from an axis of `size` (-1 when the size is unknown). */
function sliceLength(size: number, start: number, end: number, step: number): number {
  if (size < 0) return -1;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const norm = (v: number) => (v < 0 ? v + size : v);
  if (step > 0) {
    const s = clamp(norm(start), 0, size);
    const e = clamp(norm(end), 0, size);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = clamp(norm(start), -1, size - 1);
  const e = clamp(norm(end), -1, size - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}
