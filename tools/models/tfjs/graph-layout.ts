// Layout bookkeeping for the TF (NHWC) -> ONNX (NCHW) conversion.
// Every converted tensor is a `Value` that remembers whether its ONNX tensor is stored NCHW or in
// TF order, and its shape in TF order; constants stay as data until an op decides their layout.
import type { NamedTensor } from './weights.js';

export type Layout = 'nchw' | 'tf';

export interface Value {
  /** ONNX tensor name; '' for a constant not yet written as an initializer. */
  name: string;
  /** 'nchw' only for rank-4 activations; everything else is stored in TF axis order. */
  layout: Layout;
  /** Shape in TF axis order; -1 marks an unknown (batch) dimension. */
  shape: number[];
  constant?: NamedTensor;
}

/** TF NHWC axis -> NCHW axis. */
export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1] as const;
export const PERM_TO_NCHW = [0, 3, 1, 2];
export const PERM_TO_NHWC = [0, 2, 3, 1];

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export function nchwAxis(tfAxis: number): number {
  const a = NHWC_TO_NCHW_AXIS[tfAxis];
  if (a === undefined) throw new Error(`axis ${tfAxis} is not an NHWC axis`);
  return a;
}

/** Generic transpose of a dense row-major tensor. */
export function transposeData(
  data: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
) {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p] ?? 1);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += (idx[d] ?? 0) * (inStrides[perm[d] ?? 0] ?? 0);
    out[o] = data[src] ?? 0;
    // Odometer increment over the output index.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] ?? 0) + 1;
      if ((idx[d] ?? 0) < (outShape[d] ?? 1)) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** A constant that broadcasts against an NHWC tensor, rewritten to broadcast against its NCHW form. */
export function constToNchw(t: NamedTensor): { data: Float32Array; shape: number[] } {
  if (t.shape.length === 0) return { data: t.data, shape: [] };
  if (t.shape.length > 4) throw new Error(`constant of rank ${t.shape.length} cannot follow NCHW`);
  const padded = [...new Array<number>(4 - t.shape.length).fill(1), ...t.shape];
  return transposeData(t.data, padded, PERM_TO_NCHW);
}

/** TF Conv2D filter [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
export function convFilterToOnnx(t: NamedTensor) {
  return transposeData(t.data, t.shape, [3, 2, 0, 1]);
}

/**
 * TF depthwise filter [kh, kw, in, mult] -> ONNX grouped-conv weight [in * mult, 1, kh, kw];
 * TF orders depthwise output channels as c * mult + m, which this transpose keeps.
 */
export function depthwiseFilterToOnnx(t: NamedTensor) {
  const [kh = 1, kw = 1, cin = 1, mult = 1] = t.shape;
  const { data } = transposeData(t.data, t.shape, [2, 3, 0, 1]);
  return { data, shape: [cin * mult, 1, kh, kw] };
}

/** NumPy-style broadcast of TF-order shapes (-1 stays unknown). */
export function broadcastShapes(shapes: readonly number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = s[s.length - 1 - i] ?? 1;
      const o = rank - 1 - i;
      if (d === 1) continue;
      // A known size wins over an unknown one; an unknown one wins over 1.
      const cur = out[o] ?? 1;
      out[o] = cur === 1 || cur === -1 ? d : cur;
    }
  }
  return out;
}

/**
 * TF 'SAME' padding for one spatial axis: output = ceil(in / stride), the extra pixel goes
 * after (bottom/right), which is what ONNX SAME_UPPER means; computed explicitly here.
 */
export function samePads(inSize: number, kernel: number, stride: number, dilation: number) {
  const out = Math.ceil(inSize / stride);
  const effective = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const begin = Math.floor(total / 2);
  return { begin, end: total - begin, out };
}

export function validOut(inSize: number, kernel: number, stride: number, dilation: number) {
  return Math.floor((inSize - ((kernel - 1) * dilation + 1)) / stride) + 1;
}
