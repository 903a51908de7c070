import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { f, GraphBuilder } from '../../tools/models/onnx/graph-builder.js';
import { decodeModel, tensorToFloat32 } from '../../tools/models/onnx/proto.js';

describe('GraphBuilder', () => {
  it('builds a conv + leaky-relu + reshape graph that onnxruntime runs with the expected numbers', async () => {
    const g = new GraphBuilder({ name: 'tiny' });
    g.input('x', ['batch', 1, 2, 2]);
    // 1x1 conv: y = 2x - 1, then LeakyRelu(0.5), then flatten.
    const w = g.initializer('w', Float32Array.from([2]), [1, 1, 1, 1]);
    const b = g.initializer('b', Float32Array.from([-1]), [1]);
    const [conv] = g.node('Conv', ['x', w, b], 1, { kernel_shape: [1, 1] });
    const [act] = g.node('LeakyRelu', [conv ?? ''], 1, { alpha: f(0.5) });
    g.node('Reshape', [act ?? '', g.int64([-1, 4])], ['y']);
    g.output('y', ['batch', 4]);
    g.meta('layout', 'NCHW');

    const bytes = g.toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const x = new ort.Tensor('float32', Float32Array.from([0, 0.25, 1, 2]), [1, 1, 2, 2]);
    const out = await session.run({ x });
    const y = Array.from(out.y?.data as Float32Array);
    // 2x-1 = [-1, -0.5, 1, 3]; negatives halved.
    expect(y).toEqual([-0.5, -0.25, 1, 3]);

    const model = decodeModel(bytes);
    expect(model.metadataProps[0]?.value).toBe('NCHW');
    const wBack = model.graph?.initializer?.find((t) => t.name === 'w');
    expect(Array.from(tensorToFloat32(wBack ?? {}))).toEqual([2]);
  });

  it('refuses a float passed as an INT attribute and a reused name', () => {
    const g = new GraphBuilder({ name: 'bad' });
    g.input('x', [1]);
    expect(() => g.node('LeakyRelu', ['x'], 1, { alpha: 0.1 })).toThrow(
      /wrap float attributes in f\(\)/,
    );
    expect(() => g.input('x', [1])).toThrow(/used twice/);
  });
});
