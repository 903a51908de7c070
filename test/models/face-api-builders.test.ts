// Units for the face-api ONNX builders: TF 'same' padding, filter layout
// conversion (checked against a direct NHWC convolution written from TF's
// definition), the reference decode/NMS, and that the committed fp32 files are
// exactly what the builders produce, with the documented inputs and outputs.
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeDetections } from '../../tools/models/face-api/detections.js';
import { faceApiModels } from '../../tools/models/face-api/models.js';
import { OnnxNet, samePads } from '../../tools/models/face-api/onnx-net.js';
import { encodeModel } from '../../tools/models/onnx/proto.js';
import type { NamedTensor } from '../../tools/models/tfjs/weights.js';

/** Deterministic pseudo-random fixture values in -1..1. */
function fixture(count: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 - 1;
  });
}

/** TF conv2d / depthwiseConv2d with 'same' padding on NHWC, from the definition. */
function tfConvNhwc(
  x: Float32Array,
  dims: { h: number; w: number; c: number },
  filter: NamedTensor,
  stride: number,
  depthwise: boolean,
): { data: Float32Array; h: number; w: number; c: number } {
  const [kh = 0, kw = 0, cin = 0, m = 0] = filter.shape;
  const oh = Math.ceil(dims.h / stride);
  const ow = Math.ceil(dims.w / stride);
  const padTop = Math.floor(Math.max((oh - 1) * stride + kh - dims.h, 0) / 2);
  const padLeft = Math.floor(Math.max((ow - 1) * stride + kw - dims.w, 0) / 2);
  const cout = depthwise ? cin * m : m;
  const out = new Float32Array(oh * ow * cout);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const iy = oy * stride + ky - padTop;
          const ix = ox * stride + kx - padLeft;
          if (iy < 0 || ix < 0 || iy >= dims.h || ix >= dims.w) continue;
          for (let i = 0; i < cin; i++) {
            const v = x[(iy * dims.w + ix) * dims.c + i] ?? 0;
            for (let j = 0; j < m; j++) {
              const wv = filter.data[((ky * kw + kx) * cin + i) * m + j] ?? 0;
              const oc = depthwise ? i * m + j : j;
              const at = (oy * ow + ox) * cout + oc;
              out[at] = (out[at] ?? 0) + v * wv;
            }
          }
        }
      }
    }
  }
  return { data: out, h: oh, w: ow, c: cout };
}

describe('TF same padding', () => {
  it('puts the odd pixel after, as TF does', () => {
    expect(samePads(512, 3, 2)).toEqual([0, 1]);
    expect(samePads(207, 2, 2)).toEqual([0, 1]);
    expect(samePads(13, 2, 1)).toEqual([0, 1]);
    expect(samePads(150, 3, 1)).toEqual([1, 1]);
    expect(samePads(7, 7, 2)).toEqual([3, 3]);
  });
});

describe('OnnxNet.conv', () => {
  for (const depthwise of [false, true]) {
    it(`matches TF ${depthwise ? 'depthwise' : 'standard'} conv semantics (stride 2, same, odd size)`, async () => {
      const dims = { h: 7, w: 6, c: 3 };
      const filter: NamedTensor = {
        shape: depthwise ? [3, 3, 3, 2] : [3, 3, 3, 4],
        dtype: 'float32',
        data: fixture(3 * 3 * 3 * (depthwise ? 2 : 4), 7),
      };
      const net = new OnnxNet({ name: 'conv-unit', weights: new Map() });
      const x = net.input('input', [1, dims.c, dims.h, dims.w]);
      const y = net.conv(x, { filter, strideHw: 2, padding: 'same', depthwise });
      net.output(y, 'output');
      const session = await ort.InferenceSession.create(encodeModel(net.g.toModel()));
      const nhwc = fixture(dims.h * dims.w * dims.c, 3);
      const nchw = new Float32Array(nhwc.length);
      for (let p = 0; p < dims.h * dims.w; p++) {
        for (let c = 0; c < dims.c; c++) nchw[c * dims.h * dims.w + p] = nhwc[p * dims.c + c] ?? 0;
      }
      const out = await session.run({
        input: new ort.Tensor('float32', nchw, [1, dims.c, dims.h, dims.w]),
      });
      const got = out.output?.data as Float32Array;
      const want = tfConvNhwc(nhwc, dims, filter, 2, depthwise);
      expect(out.output?.dims).toEqual([1, want.c, want.h, want.w]);
      expect(y.shape).toEqual([1, want.c, want.h, want.w]);
      for (let p = 0; p < want.h * want.w; p++) {
        for (let c = 0; c < want.c; c++) {
          expect(got[c * want.h * want.w + p]).toBeCloseTo(want.data[p * want.c + c] ?? 0, 5);
        }
      }
    });
  }
});

describe('reference detector decode', () => {
  // Three candidates: two overlapping faces (IoU 0.77) and one separate, partly outside the square.
  const boxes = Float32Array.from([
    0.1, 0.1, 0.4, 0.4, 0.12, 0.12, 0.42, 0.42, 0.6, 0.7, 0.9, 1.2, 0.0, 0.0, 0.1, 0.1,
  ]);
  const scores = Float32Array.from([0.8, 0.9, 0.7, 0.3]);

  it('keeps the better of two overlapping boxes, drops low scores and clamps to the square', () => {
    const out = decodeDetections(boxes, scores, { minScore: 0.5, iouThreshold: 0.5 });
    expect(out.map((d) => d.score)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.7, 6)]);
    expect(out[1]?.x).toBeCloseTo(0.7, 6);
    expect(out[1]?.w).toBeCloseTo(0.3, 6);
  });

  it('keeps both overlapping boxes when the IoU threshold is above their overlap', () => {
    const out = decodeDetections(boxes, scores, { minScore: 0.5, iouThreshold: 0.9 });
    expect(out).toHaveLength(3);
  });

  it('stops at maxResults', () => {
    expect(
      decodeDetections(boxes, scores, { minScore: 0, iouThreshold: 0.5, maxResults: 1 }),
    ).toHaveLength(1);
  });
});

const IO: Record<string, { input: number[]; outputs: Record<string, number[]> }> = {
  'ssd-mobilenetv1': {
    input: [1, 3, 512, 512],
    outputs: { boxes: [1, 5118, 4], scores: [1, 5118] },
  },
  'face-embedding': { input: [1, 3, 150, 150], outputs: { embedding: [1, 128] } },
  expression: { input: [1, 3, 112, 112], outputs: { logits: [1, 7], probabilities: [1, 7] } },
  'tiny-face-detector': {
    input: [1, 3, 416, 416],
    outputs: { boxes: [1, 845, 4], scores: [1, 845] },
  },
};

describe('committed models/fp32 files', () => {
  for (const model of faceApiModels) {
    it(`${model.name}.onnx is what the builder produces, with the documented I/O`, async () => {
      const path = `models/fp32/${model.name}.onnx`;
      const built = encodeModel(await model.build());
      expect(Buffer.compare(readFileSync(path), Buffer.from(built))).toBe(0);
      const io = IO[model.name];
      if (!io) throw new Error(`no documented I/O for ${model.name}`);
      const session = await ort.InferenceSession.create(path);
      expect(session.inputNames).toEqual(['input']);
      expect(session.outputNames).toEqual(Object.keys(io.outputs));
      const out = await session.run({
        input: new ort.Tensor(
          'float32',
          new Float32Array(io.input.reduce((a, b) => a * b)).fill(128),
          io.input,
        ),
      });
      for (const [name, dims] of Object.entries(io.outputs)) expect(out[name]?.dims).toEqual(dims);
      expect(model.source).toMatch(
        /^@vladmandic\/face-api@1\.7\.15:model\/.+-weights_manifest\.json$/,
      );
      expect(model.licence).toBe('MIT');
    });
  }
});

describe('dynamic batch', () => {
  for (const name of ['face-embedding', 'expression', 'tiny-face-detector'] as const) {
    it(`${name}: a batch of two gives each row what a batch of one gives`, async () => {
      const path = `models/fp32/${name}.onnx`;
      const io = IO[name];
      if (!io) throw new Error(`no documented I/O for ${name}`);
      const session = await ort.InferenceSession.create(path);
      const [, c = 0, h = 0, w = 0] = io.input;
      const plane = c * h * w;
      const pair = fixture(plane * 2, 11).map((v) => (v + 1) * 127.5);
      const both = await session.run({ input: new ort.Tensor('float32', pair, [2, c, h, w]) });
      for (let row = 0; row < 2; row++) {
        const one = await session.run({
          input: new ort.Tensor('float32', pair.slice(row * plane, (row + 1) * plane), [
            1,
            c,
            h,
            w,
          ]),
        });
        for (const out of Object.keys(io.outputs)) {
          const single = one[out]?.data as Float32Array;
          const all = both[out]?.data as Float32Array | undefined;
          if (!all) throw new Error(`output ${out} missing from the batched run`);
          const batched = all.slice(row * single.length, (row + 1) * single.length);
          expect(both[out]?.dims[0]).toBe(2);
          for (let i = 0; i < single.length; i++) expect(batched[i]).toBeCloseTo(single[i] ?? 0, 4);
        }
      }
    });
  }
});
