import { describe, expect, it } from 'vitest';
import {
  broadcastShapes,
  constToNchw,
  convFilterToOnnx,
  depthwiseFilterToOnnx,
  samePads,
  transposeData,
} from '../../tools/models/tfjs/graph-layout.js';

describe('graph layout helpers', () => {
  it("computes TF 'SAME' padding with the odd pixel after (bottom/right)", () => {
    // in 8, k 3, s 2: out 4, needs (4-1)*2+3-8 = 1 pixel: 0 before, 1 after.
    expect(samePads(8, 3, 2, 1)).toEqual({ begin: 0, end: 1, out: 4 });
    expect(samePads(9, 3, 2, 1)).toEqual({ begin: 1, end: 1, out: 5 });
    // dilation 2 makes a 3-tap kernel span 5 pixels.
    expect(samePads(10, 3, 1, 2)).toEqual({ begin: 2, end: 2, out: 10 });
  });

  it('transposes row-major data', () => {
    const { data, shape } = transposeData(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]);
    expect(shape).toEqual([3, 2]);
    expect(Array.from(data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('maps a TF conv filter [kh,kw,in,out] to ONNX [out,in,kh,kw]', () => {
    // value = 1000*kh + 100*kw + 10*in + out makes every position readable.
    const shape = [2, 1, 2, 3];
    const values: number[] = [];
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 2; i++) for (let o = 0; o < 3; o++) values.push(1000 * h + 10 * i + o);
    const onnx = convFilterToOnnx({ shape, dtype: 'float32', data: Float32Array.from(values) });
    expect(onnx.shape).toEqual([3, 2, 2, 1]);
    // ONNX [o=2, i=1, h=1, w=0] is at ((2*2+1)*2+1)*1 = 11.
    expect(onnx.data[11]).toBe(1000 + 10 + 2);
  });

  it('orders depthwise output channels as in*mult + m, as TF does', () => {
    // [kh=1, kw=1, in=2, mult=2]: TF values c*10 + m.
    const t = {
      shape: [1, 1, 2, 2],
      dtype: 'float32' as const,
      data: Float32Array.from([0, 1, 10, 11]),
    };
    const onnx = depthwiseFilterToOnnx(t);
    expect(onnx.shape).toEqual([4, 1, 1, 1]);
    expect(Array.from(onnx.data)).toEqual([0, 1, 10, 11]);
  });

  it('rewrites a per-channel constant to broadcast against NCHW', () => {
    const t = { shape: [3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3]) };
    expect(constToNchw(t).shape).toEqual([1, 3, 1, 1]);
    const scalar = { shape: [], dtype: 'float32' as const, data: Float32Array.from([5]) };
    expect(constToNchw(scalar).shape).toEqual([]);
  });

  it('broadcasts TF shapes keeping the unknown batch', () => {
    expect(broadcastShapes([[-1, 5, 5, 8], [8]])).toEqual([-1, 5, 5, 8]);
    expect(
      broadcastShapes([
        [1, 1, 8],
        [-1, 4, 1, 1],
      ]),
    ).toEqual([-1, 4, 1, 8]);
  });
});
