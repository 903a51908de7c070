// State shared by the op converters: the GraphBuilder, the converted value of every TF tensor,
// and the layout moves (NCHW <-> TF order, constants written in the layout an op needs).
import type { GraphBuilder } from '../onnx/graph-builder.js';
import {
  constToNchw,
  type Layout,
  PERM_TO_NCHW,
  PERM_TO_NHWC,
  type Value,
} from './graph-layout.js';
import { parseTensorRef, type TfGraphModel, type TfNode } from './graph-model.js';
import type { NamedTensor } from './weights.js';

export class ConvertContext {
  readonly g: GraphBuilder;
  readonly model: TfGraphModel;
  /** The input's fixed batch of 1 was freed (see GraphConvertOptions.freeBatch). */
  readonly freeBatch: boolean;
  private readonly values = new Map<string, Value>();
  /** Transposed copies already emitted, so one activation is transposed at most once per layout. */
  private readonly moved = new Map<string, string>();
  /** Initializers already written per constant and layout, so each is stored once. */
  private readonly constNames = new WeakMap<NamedTensor, Partial<Record<Layout, string>>>();

  constructor(options: { builder: GraphBuilder; model: TfGraphModel; freeBatch?: boolean }) {
    this.g = options.builder;
    this.model = options.model;
    this.freeBatch = options.freeBatch ?? false;
  }

  set(nodeName: string, index: number, value: Value): void {
    this.values.set(`${nodeName}:${index}`, value);
  }

  value(ref: string): Value {
    const { node, index } = parseTensorRef(ref);
    const v = this.values.get(`${node}:${index}`);
    if (!v) throw new Error(`tensor ${ref} used before it was converted`);
    return v;
  }

  /** The `i`-th data input of a node. */
  input(node: TfNode, i: number): Value {
    const ref = node.inputs[i];
    if (ref === undefined) throw new Error(`${node.op} node ${node.name}: missing input ${i}`);
    return this.value(ref);
  }

  /** The `i`-th input, which must be a constant (weights, shapes, axes). */
  constant(node: TfNode, i: number): NamedTensor {
    const v = this.input(node, i);
    if (!v.constant) {
      throw new Error(
        `${node.op} node ${node.name}: input ${i} must be a constant, it is computed`,
      );
    }
    return v.constant;
  }

  /** Integer values of a constant input (shapes, axes, paddings). */
  ints(node: TfNode, i: number): number[] {
    const t = this.constant(node, i);
    return Array.from(t.int32 ?? t.data, (x) => Math.round(x));
  }

  /** The ONNX name of `v` in TF axis order (transposing an NCHW activation back if needed). */
  tf(v: Value): string {
    if (v.constant) return this.materialise(v.constant, 'tf');
    if (v.layout === 'tf') return v.name;
    return this.transpose(v.name, PERM_TO_NHWC, 'to_nhwc');
  }

  /** The ONNX name of `v` in NCHW order (constants rewritten to broadcast against NCHW). */
  nchw(v: Value): string {
    if (v.constant) return this.materialise(v.constant, 'nchw');
    if (v.layout === 'nchw') return v.name;
    if (v.shape.length !== 4)
      throw new Error(`tensor ${v.name} of rank ${v.shape.length} has no NCHW form`);
    return this.transpose(v.name, PERM_TO_NCHW, 'to_nchw');
  }

  /** Writes a float initializer (data as given) and returns its name. */
  weight(base: string, data: Float32Array, dims: readonly number[]): string {
    return this.g.initializer(this.g.name(base), data, dims);
  }

  private materialise(t: NamedTensor, layout: Layout): string {
    const names = this.constNames.get(t) ?? {};
    const done = names[layout];
    if (done) return done;
    const { data, shape } = layout === 'nchw' ? constToNchw(t) : { data: t.data, shape: t.shape };
    const name = this.weight('const', data, shape);
    this.constNames.set(t, { ...names, [layout]: name });
    return name;
  }

  private transpose(name: string, perm: number[], tag: string): string {
    const key = `${tag}:${name}`;
    const done = this.moved.get(key);
    if (done) return done;
    const [out] = this.g.node('Transpose', [name], [this.g.name(`${name}/${tag}`)], { perm });
    this.moved.set(key, out ?? '');
    return out ?? '';
  }
}
