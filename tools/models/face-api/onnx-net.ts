/**
 * A thin layer over the shared GraphBuilder that speaks in TensorFlow terms, so
 * the face-api builders read like face-api's own forward passes: it tracks the
 * NCHW shape of every tensor (TF 'same' padding depends on it), converts TF's
 * HWIO / depthwise HWC1 filters to ONNX's OIHW, and folds per-channel
 * affine layers (BatchNorm, face-api's scale layers) into the conv weights.
 */
import { type Dim, f, GraphBuilder } from '../onnx/graph-builder.js';

const BATCH: Dim = 'batch';

import type { NamedTensor, WeightMap } from '../tfjs/weights.js';

/**
 * A tensor in the graph under construction, NCHW for 4-D. Axis 0 is always the
 * batch: the graphs declare it as the symbolic 'batch' (face crops go in one call),
 * shapes here track it as 1 and reshapes copy it (ONNX Reshape's 0).
 */
export interface Sym {
  name: string;
  shape: number[];
}

export type Padding = 'same' | 'valid';

export interface ConvOptions {
  /** TF filter, HWIO ([kh, kw, cin, cout]) or depthwise HWC1 when `depthwise`. */
  filter: NamedTensor;
  bias?: Float32Array;
  /** Per-output-channel multiplier folded into the filter and bias (BatchNorm, scale layer). */
  scale?: Float32Array;
  strideHw?: number;
  padding: Padding;
  depthwise?: boolean;
}

/** Pads TF uses for 'same': the odd pixel goes after, which ONNX allows via explicit pads. */
export function samePads(inSize: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function outSize(inSize: number, kernel: number, stride: number, pads: [number, number]): number {
  return Math.floor((inSize + pads[0] + pads[1] - kernel) / stride) + 1;
}

export class OnnxNet {
  readonly g: GraphBuilder;
  private readonly weights: WeightMap;

  constructor(options: { name: string; weights: WeightMap; docString?: string }) {
    this.g = new GraphBuilder({
      name: options.name,
      opset: 13,
      ...(options.docString ? { docString: options.docString } : {}),
    });
    this.weights = options.weights;
  }

  /** A weight by its manifest name; a missing one is a model error naming the weight. */
  w(name: string): NamedTensor {
    const t = this.weights.get(name);
    if (!t) throw new Error(`face-api weights: "${name}" missing from the manifest`);
    return t;
  }

  input(name: string, shape: number[]): Sym {
    return { name: this.g.input(name, [BATCH, ...shape.slice(1)]), shape };
  }

  output(x: Sym, name: string): void {
    const [y] = this.g.node('Identity', [x.name], [name]);
    this.g.output(y ?? name, [BATCH, ...x.shape.slice(1)]);
  }

  conv(x: Sym, opts: ConvOptions): Sym {
    const [kh = 0, kw = 0, cin = 0, mult = 0] = opts.filter.shape;
    const [n = 1, c = 0, h = 0, wd = 0] = x.shape;
    const stride = opts.strideHw ?? 1;
    const cout = opts.depthwise ? cin * mult : mult;
    if (cin !== c) throw new Error(`conv ${opts.filter.shape}: input has ${c} channels`);
    // HWIO -> OIHW; depthwise HWC1 -> [C, 1, kh, kw] with group = C.
    const data = new Float32Array(cout * (opts.depthwise ? 1 : cin) * kh * kw);
    const src = opts.filter.data;
    for (let y = 0; y < kh; y++) {
      for (let xx = 0; xx < kw; xx++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < mult; o++) {
            const v = src[((y * kw + xx) * cin + i) * mult + o] ?? 0;
            const oc = opts.depthwise ? i * mult + o : o;
            const ic = opts.depthwise ? 0 : i;
            const s = opts.scale ? (opts.scale[oc] ?? 1) : 1;
            data[((oc * (opts.depthwise ? 1 : cin) + ic) * kh + y) * kw + xx] = v * s;
          }
        }
      }
    }
    const wName = this.g.initializer(this.g.name('W'), data, [
      cout,
      opts.depthwise ? 1 : cin,
      kh,
      kw,
    ]);
    const inputs = [x.name, wName];
    if (opts.bias) inputs.push(this.g.initializer(this.g.name('B'), opts.bias, [cout]));
    const padH: [number, number] = opts.padding === 'same' ? samePads(h, kh, stride) : [0, 0];
    const padW: [number, number] = opts.padding === 'same' ? samePads(wd, kw, stride) : [0, 0];
    const [y] = this.g.node('Conv', inputs, 1, {
      kernel_shape: [kh, kw],
      strides: [stride, stride],
      pads: [padH[0], padW[0], padH[1], padW[1]],
      group: opts.depthwise ? cin : 1,
    });
    return {
      name: y ?? '',
      shape: [n, cout, outSize(h, kh, stride, padH), outSize(wd, kw, stride, padW)],
    };
  }

  /** TF separableConv2d: depthwise (strided) then 1x1 pointwise with bias. */
  separable(x: Sym, prefix: string, strideHw: number, padding: Padding): Sym {
    const dw = this.conv(x, {
      filter: this.w(`${prefix}/depthwise_filter`),
      strideHw,
      padding,
      depthwise: true,
    });
    return this.conv(dw, {
      filter: this.w(`${prefix}/pointwise_filter`),
      bias: this.w(`${prefix}/bias`).data,
      padding: 'valid',
    });
  }

  unary(op: string, x: Sym, attrs: Record<string, number | ReturnType<typeof f>> = {}): Sym {
    const [y] = this.g.node(op, [x.name], 1, attrs);
    return { name: y ?? '', shape: x.shape };
  }

  relu(x: Sym): Sym {
    return this.unary('Relu', x);
  }

  relu6(x: Sym): Sym {
    const [y] = this.g.node('Clip', [x.name, this.g.float([0]), this.g.float([6])], 1);
    return { name: y ?? '', shape: x.shape };
  }

  /** face-api's leaky(): relu(x - 0.1x) + 0.1x, i.e. LeakyRelu with alpha 0.1. */
  leaky(x: Sym): Sym {
    return this.unary('LeakyRelu', x, { alpha: f(0.10000000149011612) });
  }

  binary(op: 'Add' | 'Sub' | 'Mul' | 'Div', a: Sym, b: Sym | string, shape = a.shape): Sym {
    const [y] = this.g.node(op, [a.name, typeof b === 'string' ? b : b.name], 1);
    return { name: y ?? '', shape };
  }

  pool(
    op: 'MaxPool' | 'AveragePool',
    x: Sym,
    kernel: number,
    stride: number,
    padding: Padding,
  ): Sym {
    const [n = 1, c = 0, h = 0, wd = 0] = x.shape;
    const padH: [number, number] = padding === 'same' ? samePads(h, kernel, stride) : [0, 0];
    const padW: [number, number] = padding === 'same' ? samePads(wd, kernel, stride) : [0, 0];
    // With 'same', TF leaves padding out of averages and maxima; so does ONNX (count_include_pad = 0).
    const [y] = this.g.node(op, [x.name], 1, {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: [padH[0], padW[0], padH[1], padW[1]],
    });
    return {
      name: y ?? '',
      shape: [n, c, outSize(h, kernel, stride, padH), outSize(wd, kernel, stride, padW)],
    };
  }

  /** Zero padding at the end of each NCHW axis (face-api pads residual shortcuts this way). */
  padEnd(x: Sym, extra: number[]): Sym {
    const pads = [...x.shape.map(() => 0), ...extra];
    const [y] = this.g.node('Pad', [x.name, this.g.int64(pads)], 1, { mode: 'constant' });
    return { name: y ?? '', shape: x.shape.map((d, i) => d + (extra[i] ?? 0)) };
  }

  /** Reshape keeping the batch axis (shape[0] is only the tracked size). */
  reshape(x: Sym, shape: number[]): Sym {
    const [y] = this.g.node('Reshape', [x.name, this.g.int64([0, ...shape.slice(1)])], 1);
    return { name: y ?? '', shape };
  }

  transpose(x: Sym, perm: number[]): Sym {
    const [y] = this.g.node('Transpose', [x.name], 1, { perm });
    return { name: y ?? '', shape: perm.map((p) => x.shape[p] ?? 0) };
  }

  concat(xs: Sym[], axis: number): Sym {
    const [y] = this.g.node(
      'Concat',
      xs.map((x) => x.name),
      1,
      { axis },
    );
    const first = xs[0]?.shape ?? [];
    const shape = first.map((d, i) =>
      i === axis ? xs.reduce((s, x) => s + (x.shape[i] ?? 0), 0) : d,
    );
    return { name: y ?? '', shape };
  }

  /** Slice along one axis, [start, end). */
  slice(x: Sym, axis: number, start: number, end: number): Sym {
    const [y] = this.g.node(
      'Slice',
      [x.name, this.g.int64([start]), this.g.int64([end]), this.g.int64([axis])],
      1,
    );
    return { name: y ?? '', shape: x.shape.map((d, i) => (i === axis ? end - start : d)) };
  }

  /** Channel-wise (x - mean) * factor on an NCHW image: face-api's input normalisations. */
  normalise(x: Sym, meanRgb: number[], divisor: number): Sym {
    const mean = this.g.float(meanRgb, [1, 3, 1, 1], 'mean_rgb');
    const centred = this.binary('Sub', x, mean);
    return this.binary('Div', centred, this.g.float([divisor]));
  }

  matmul(x: Sym, weight: NamedTensor, bias?: Float32Array): Sym {
    const [k = 0, m = 0] = weight.shape;
    const wName = this.g.initializer(this.g.name('FC_W'), weight.data, [k, m]);
    const [y] = this.g.node('MatMul', [x.name, wName], 1);
    const out: Sym = { name: y ?? '', shape: [x.shape[0] ?? 1, m] };
    if (!bias) return out;
    return this.binary('Add', out, this.g.initializer(this.g.name('FC_B'), bias, [m]));
  }
}
