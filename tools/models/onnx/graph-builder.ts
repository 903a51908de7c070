/**
 * GraphBuilder: the small shared API every model tool uses to write ONNX files.
 *
 *   const g = new GraphBuilder({ name: 'iris', opset: 13 });
 *   g.input('input', [1, 3, 64, 64]);                       // float32 unless elemType given
 *   const w = g.initializer('conv1/w', weights, [16, 3, 3, 3]);   // Float32Array | Int8Array | ...
 *   const b = g.initializer('conv1/b', bias, [16]);
 *   const [y] = g.node('Conv', ['input', w, b], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
 *   g.node('Relu', [y], ['output']);                        // explicit output names
 *   g.output('output', [1, 16, 64, 64]);
 *   g.save('models/fp32/iris.onnx');                        // or g.toModel() / g.toBytes()
 *
 * Attributes: a plain integer -> INT, integer[] -> INTS, string -> STRING; floats must be wrapped with
 * `f(x)` / `fs([..])` because ONNX is strict about INT vs FLOAT and a JS number cannot say which it is.
 * `node()` with a number as outputs invents that many unique names and returns them.
 * Names given to initializer/node/input are used verbatim; `g.name(base)` gives a fresh unique one.
 * `g.int64(values)` / `g.float(values)` add small constant initializers (shapes, axes, scalars).
 */
import { writeFileSync } from 'node:fs';
import {
  ELEM_TYPE_CODE,
  type ElemType,
  encodeModel,
  type ModelProto,
  makeTensor,
  type NodeProto,
  onnx,
  type TensorData,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** A FLOAT or FLOATS attribute (see the note at the top of the file). */
export interface FloatAttr {
  kind: 'float';
  value: number | number[];
}
export const f = (value: number): FloatAttr => ({ kind: 'float', value });
export const fs = (value: number[]): FloatAttr => ({ kind: 'float', value });

export type AttrValue = number | number[] | string | FloatAttr | TensorProto;

/** A dimension: a fixed size or a symbolic name (e.g. 'batch'). */
export type Dim = number | string;

export interface GraphBuilderOptions {
  name: string;
  /** Default-domain opset version; 13 unless told otherwise. */
  opset?: number;
  /** Other opset domains, e.g. { 'com.microsoft': 1 }. */
  extraOpsets?: Record<string, number>;
  docString?: string;
}

const AT = onnx.AttributeProto.AttributeType;

export class GraphBuilder {
  readonly opset: number;
  private readonly graphName: string;
  private readonly extraOpsets: Record<string, number>;
  private readonly docString: string;
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly metadata: Record<string, string> = {};
  private readonly used = new Set<string>();
  /** Names handed out by name() but not yet bound to a tensor; binding one of them is allowed once. */
  private readonly reserved = new Set<string>();
  private counter = 0;

  constructor(options: GraphBuilderOptions) {
    this.graphName = options.name;
    this.opset = options.opset ?? 13;
    this.extraOpsets = options.extraOpsets ?? {};
    this.docString = options.docString ?? '';
  }

  /** A name not used yet in this graph, derived from `base`. */
  name(base: string): string {
    let candidate = base;
    while (this.used.has(candidate)) candidate = `${base}_${++this.counter}`;
    this.used.add(candidate);
    this.reserved.add(candidate);
    return candidate;
  }

  input(name: string, shape: readonly Dim[], elemType: ElemType = 'float32'): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, shape, elemType));
    return name;
  }

  output(name: string, shape: readonly Dim[], elemType: ElemType = 'float32'): string {
    this.outputs.push(valueInfo(name, shape, elemType));
    return name;
  }

  initializer(
    name: string,
    data: TensorData,
    dims: readonly number[],
    elemType?: ElemType,
  ): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, data, dims, elemType));
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, pads for opset-13 style inputs). */
  int64(values: readonly number[], base = 'const_i64'): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.initializer(this.name(base), data, [values.length]);
  }

  /** A float32 constant; a scalar when `dims` is [] (the default for one value). */
  float(values: readonly number[], dims?: readonly number[], base = 'const_f32'): string {
    const shape = dims ?? (values.length === 1 ? [] : [values.length]);
    return this.initializer(this.name(base), Float32Array.from(values), shape);
  }

  /**
   * Adds one node. `outputs` is either explicit names or a count of fresh names to invent.
   * Returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[] | number,
    attrs: Record<string, AttrValue> = {},
    options: { name?: string; domain?: string } = {},
  ): string[] {
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.name(`${opType}_out`))
        : outputs.map((o) => this.claim(o));
    this.nodes.push({
      opType,
      name: this.name(options.name ?? opType),
      domain: options.domain ?? '',
      input: [...inputs],
      output: outNames,
      attribute: Object.entries(attrs).map(([key, value]) => makeAttr(opType, key, value)),
    });
    return outNames;
  }

  /** Adds a key/value to the model's metadata_props (e.g. normalisation, source, layout). */
  meta(key: string, value: string): void {
    this.metadata[key] = value;
  }

  toModel(): ModelProto {
    const opsetImport = [
      { domain: '', version: this.opset },
      ...Object.entries(this.extraOpsets).map(([domain, version]) => ({ domain, version })),
    ];
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'classpulse-tools',
      producerVersion: '0.1.0',
      opsetImport,
      docString: this.docString,
      metadataProps: Object.entries(this.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }

  toBytes(): Uint8Array {
    return encodeModel(this.toModel());
  }

  save(path: string): void {
    writeFileSync(path, this.toBytes());
  }

  private claim(name: string): string {
    if (this.reserved.delete(name)) return name;
    if (this.used.has(name))
      throw new Error(`GraphBuilder ${this.graphName}: name "${name}" used twice`);
    this.used.add(name);
    return name;
  }
}

function valueInfo(name: string, shape: readonly Dim[], elemType: ElemType): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE_CODE[elemType],
        shape: {
          dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function makeAttr(opType: string, name: string, value: AttrValue) {
  if (typeof value === 'string') {
    return { name, type: AT.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new Error(
        `${opType}.${name}: ${value} is not an integer; wrap float attributes in f()`,
      );
    }
    return { name, type: AT.INT, i: value };
  }
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) {
      throw new Error(`${opType}.${name}: non-integer in INTS; wrap float lists in fs()`);
    }
    return { name, type: AT.INTS, ints: value };
  }
  if ('kind' in value && value.kind === 'float') {
    return Array.isArray(value.value)
      ? { name, type: AT.FLOATS, floats: value.value }
      : { name, type: AT.FLOAT, f: value.value };
  }
  return { name, type: AT.TENSOR, t: value as TensorProto };
}
