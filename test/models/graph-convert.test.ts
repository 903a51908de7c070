// The converter on a synthetic TFJS graph that uses the ops the real models do not (odd sizes,
// stride-2 SAME, AvgPool, MirrorPad, ResizeBilinear, ConcatV2, depthwise multiplier 2, Mean with
// and without keep_dims, MatMul, Softmax, Reshape, Squeeze, Transpose, StridedSlice, AddN, broadcast constants),
// checked against tfjs-wasm running the same graph; plus the error for an op it cannot convert.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../tools/models/onnx/proto.js';
import { convertGraphModel } from '../../tools/models/tfjs/graph-convert.js';
import { readGraphModel } from '../../tools/models/tfjs/graph-model.js';
import { loadTfjsGraphModel, toNchw, useTfjsWasm } from '../../tools/models/tfjs/graph-parity.js';

type Attr = Record<string, unknown>;
const str = (v: string) => ({ s: Buffer.from(v).toString('base64') });
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const strs = (v: string[]) => ({ list: { s: v.map((x) => Buffer.from(x).toString('base64')) } });
const FLOAT = { type: 'DT_FLOAT' };

/** Writes a TFJS graph model (model.json + one shard) the way the tfjs converter lays them out. */
class GraphFixture {
  private readonly nodes: { name: string; op: string; input?: string[]; attr?: Attr }[] = [];
  private readonly specs: { name: string; shape: number[]; dtype: string }[] = [];
  private readonly chunks: Buffer[] = [];
  private seed = 7;

  placeholder(name: string, shape: number[]): string {
    const dim = shape.map((d) => ({ size: String(d) }));
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: { dim } } } });
    return name;
  }

  /** A float constant; random values in [-1, 1) unless given (deterministic LCG, no Math.random). */
  floats(name: string, shape: number[], values?: number[]): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from(values ?? Array.from({ length: n }, () => this.random()));
    return this.constant(name, shape, 'float32', Buffer.from(data.buffer));
  }

  ints(name: string, shape: number[], values: number[]): string {
    return this.constant(name, shape, 'int32', Buffer.from(Int32Array.from(values).buffer));
  }

  op(name: string, op: string, input: string[], attr: Attr = {}): string {
    this.nodes.push({ name, op, input, attr: { T: FLOAT, ...attr } });
    return name;
  }

  write(outputs: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'graph-fixture-'));
    writeFileSync(join(dir, 'w.bin'), Buffer.concat(this.chunks));
    const signature = { outputs: Object.fromEntries(outputs.map((o) => [o, { name: `${o}:0` }])) };
    const json = {
      format: 'graph-model',
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightsManifest: [{ paths: ['w.bin'], weights: this.specs }],
      signature,
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return join(dir, 'model.json');
  }

  random(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return (this.seed / 2147483648) * 2 - 1;
  }

  private constant(name: string, shape: number[], dtype: string, bytes: Buffer): string {
    const tfType = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    const dim = shape.map((d) => ({ size: String(d) }));
    const attr = {
      dtype: { type: tfType },
      value: { tensor: { dtype: tfType, tensorShape: { dim } } },
    };
    this.nodes.push({ name, op: 'Const', attr });
    this.specs.push({ name, shape, dtype });
    this.chunks.push(bytes);
    return name;
  }
}

function buildFixture(): { path: string; outputs: string[]; fixture: GraphFixture } {
  const g = new GraphFixture();
  const same = { padding: str('SAME'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]) };
  const x = g.placeholder('x', [-1, 9, 9, 3]);
  const c1 = g.op('c1', '_FusedConv2D', [x, g.floats('w1', [3, 3, 3, 4]), g.floats('b1', [4])], {
    ...same,
    strides: ints([1, 2, 2, 1]),
    fused_ops: strs(['BiasAdd', 'Relu6']),
    num_args: { i: '1' },
  });
  const d1 = g.op('d1', 'DepthwiseConv2dNative', [c1, g.floats('dw', [3, 3, 4, 2])], {
    ...same,
    strides: ints([1, 1, 1, 1]),
  });
  const p1 = g.op('p1', 'Pad', [d1, g.ints('pads', [4, 2], [0, 0, 1, 0, 0, 1, 0, 0])]);
  const a1 = g.op('a1', 'AvgPool', [p1], {
    ...same,
    ksize: ints([1, 3, 3, 1]),
    strides: ints([1, 2, 2, 1]),
  });
  const m1 = g.op('m1', 'MirrorPad', [a1, g.ints('mpads', [4, 2], [0, 0, 1, 1, 1, 1, 0, 0])], {
    mode: str('REFLECT'),
  });
  const s1 = g.op('s1', 'Sub', [m1, g.floats('k8', [8])]);
  const mul = g.op('mul', 'Mul', [s1, g.floats('k118', [1, 1, 8])]);
  const div = g.op('div', 'RealDiv', [mul, g.floats('two', [], [2])]);
  const mx = g.op('mx', 'Maximum', [div, g.floats('lo', [], [-0.5])]);
  const mn = g.op('mn', 'Minimum', [mx, g.floats('hi', [], [0.4])]);
  const r1 = g.op('r1', 'ResizeBilinear', [mn, g.ints('size', [2], [7, 7])], {
    align_corners: { b: false },
    half_pixel_centers: { b: true },
  });
  const sig = g.op('sig', 'Sigmoid', [r1]);
  const cat = g.op('cat', 'ConcatV2', [r1, sig, g.ints('axis', [], [3])], { N: { i: '2' } });
  const mp = g.op('mp', 'MaxPool', [cat], {
    ...same,
    ksize: ints([1, 2, 2, 1]),
    strides: ints([1, 2, 2, 1]),
  });
  const c2 = g.op('c2', 'Conv2D', [mp, g.floats('w2', [1, 1, 16, 6])], {
    ...same,
    padding: str('VALID'),
    strides: ints([1, 1, 1, 1]),
  });
  const mean = g.op('mean', 'Mean', [c2, g.ints('hw', [2], [1, 2])], { keep_dims: { b: false } });
  const fm = g.op('fm', '_FusedMatMul', [mean, g.floats('mm', [6, 5]), g.floats('mb', [5])], {
    transpose_a: { b: false },
    transpose_b: { b: false },
    fused_ops: strs(['BiasAdd', 'Relu']),
    num_args: { i: '1' },
  });
  const probs = g.op('probs', 'Softmax', [fm]);
  const flat = g.op('flat', 'Reshape', [c2, g.ints('shape', [2], [-1, 96])]);
  const tanh = g.op('tanh', 'Tanh', [c2]);
  const meank = g.op('meank', 'Mean', [tanh, g.ints('h', [1], [1])], { keep_dims: { b: true } });
  const squeezed = g.op('squeezed', 'Squeeze', [meank], { squeeze_dims: ints([1]) });
  const perm = g.op('perm', 'Transpose', [c2, g.ints('perm4', [4], [0, 3, 1, 2])]);
  const sliced = g.op(
    'sliced',
    'StridedSlice',
    [
      c2,
      g.ints('slice_b0', [4], [0, 1, 0, 2]),
      g.ints('slice_e0', [4], [0, 4, 3, 5]),
      g.ints('slice_s0', [4], [1, 2, 1, 1]),
    ],
    {
      begin_mask: { i: '1' },
      end_mask: { i: '1' },
      Index: { type: 'DT_INT32' },
    },
  );
  // Axis 2 shrunk to index -1, axes 0, 1, 3 whole.
  const shrunk = g.op(
    'shrunk',
    'StridedSlice',
    [
      c2,
      g.ints('slice_b1', [4], [0, 0, -1, 0]),
      g.ints('slice_e1', [4], [0, 0, 0, 0]),
      g.ints('slice_s1', [4], [1, 1, 1, 1]),
    ],
    {
      begin_mask: { i: String(0b1011) },
      end_mask: { i: String(0b1011) },
      shrink_axis_mask: { i: String(0b0100) },
      Index: { type: 'DT_INT32' },
    },
  );
  const addn = g.op('addn', 'AddN', [c2, tanh, c2], { N: { i: '3' } });
  const outputs = [probs, flat, meank, squeezed, perm, sliced, shrunk, addn];
  return { path: g.write(outputs), outputs, fixture: g };
}

describe('convertGraphModel', () => {
  it('matches tfjs-wasm on a synthetic graph of layout-sensitive ops (batch 2)', async () => {
    await useTfjsWasm();
    const { path, outputs, fixture } = buildFixture();
    const model = await readGraphModel(path);
    const proto = convertGraphModel({
      model,
      name: 'fixture',
      outputs: outputs.map((o) => ({ tensor: o, name: o })),
    });
    const session = await ort.InferenceSession.create(encodeModel(proto));
    const nhwc = Float32Array.from({ length: 2 * 9 * 9 * 3 }, () => fixture.random());

    const tfModel = await loadTfjsGraphModel(model);
    const input = tf.tensor4d(nhwc, [2, 9, 9, 3]);
    const expected = tfModel.execute(input, outputs) as tf.Tensor[];
    const got = await session.run({
      input: new ort.Tensor('float32', toNchw(nhwc, 2, 9, 3, 1, 0), [2, 3, 9, 9]),
    });

    for (const [i, name] of outputs.entries()) {
      const want = expected[i];
      const have = got[name];
      expect(have?.dims, name).toEqual(want?.shape);
      const w = (await want?.data()) as Float32Array;
      const h = have?.data as Float32Array;
      const scale = Math.max(...Array.from(w, Math.abs));
      expect(scale, name).toBeGreaterThan(0);
      const err = Math.max(...Array.from(w, (v, k) => Math.abs(v - (h[k] ?? Number.NaN))));
      expect(err / scale, name).toBeLessThan(1e-5);
    }
    tf.dispose([input, ...expected]);
  });

  it('writes a per-channel PRelu as depthwise 1×1 convs, equal to tfjs-wasm', async () => {
    await useTfjsWasm();
    const g = new GraphFixture();
    const same = { padding: str('SAME'), data_format: str('NHWC'), dilations: ints([1, 1, 1, 1]) };
    const x = g.placeholder('x', [-1, 5, 5, 3]);
    // Slopes below 0, between 0 and 1, and above 1: the rewrite must hold for all of them.
    const slopes = [-0.7, 0, 0.25, 1.3];
    const conv = g.op(
      'conv',
      '_FusedConv2D',
      [x, g.floats('w', [3, 3, 3, 4]), g.floats('b', [4]), g.floats('alpha', [4], slopes)],
      {
        ...same,
        strides: ints([1, 1, 1, 1]),
        fused_ops: strs(['BiasAdd', 'Prelu']),
        num_args: { i: '2' },
      },
    );
    const sum = g.op('sum', 'AddV2', [conv, g.floats('shift', [4])]);
    const act = g.op('act', 'Prelu', [sum, g.floats('alpha2', [1, 1, 4], [0.5, -1.2, 2, 0.1])]);
    // One slope for every channel: left as a plain PRelu.
    const scalar = g.op('scalar', 'Prelu', [act, g.floats('alpha3', [1], [0.2])]);
    const model = await readGraphModel(g.write([scalar]));
    const proto = convertGraphModel({
      model,
      name: 'prelu',
      outputs: [{ tensor: scalar, name: 'y' }],
    });
    const ops = (proto.graph?.node ?? []).map((n) => n.opType);
    expect(ops.filter((op) => op === 'PRelu')).toHaveLength(1);
    expect(ops.filter((op) => op === 'Relu')).toHaveLength(2);

    const nhwc = Float32Array.from({ length: 2 * 5 * 5 * 3 }, () => g.random() * 3);
    const tfModel = await loadTfjsGraphModel(model);
    const input = tf.tensor4d(nhwc, [2, 5, 5, 3]);
    const expected = tfModel.execute(input, [scalar]) as tf.Tensor;
    const session = await ort.InferenceSession.create(encodeModel(proto));
    const got = await session.run({
      input: new ort.Tensor('float32', toNchw(nhwc, 2, 5, 3, 1, 0), [2, 3, 5, 5]),
    });
    // Outputs keep TF axis order (NHWC).
    const want = (await expected.data()) as Float32Array;
    const have = got.y?.data as Float32Array;
    const negatives = Array.from(want).filter((v) => v < 0).length;
    expect(negatives).toBeGreaterThan(10);
    const err = Math.max(...Array.from(want, (v, k) => Math.abs(v - (have[k] ?? Number.NaN))));
    expect(err).toBeLessThan(1e-5);
    tf.dispose([input, expected]);
  });

  it('names every op it cannot convert together with its node', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 1]);
    const y = g.op('my/cumsum', 'Cumsum', [x, g.ints('ax', [], [1])]);
    const model = await readGraphModel(g.write([y]));
    expect(() =>
      convertGraphModel({ model, name: 'bad', outputs: [{ tensor: y, name: 'y' }] }),
    ).toThrow(/TF ops without an ONNX converter: Cumsum \(node my\/cumsum\)/);
  });
});
