import { describe, expect, it } from 'vitest';
import { decodeWeights, halfToFloat, readWeights } from '../../tools/models/tfjs/weights.js';

describe('TFJS weights reader', () => {
  it('dequantises uint8, float16, float32 and int32 entries laid out back to back', () => {
    const bytes = new Uint8Array(2 + 4 + 8 + 4);
    const view = new DataView(bytes.buffer);
    bytes[0] = 0;
    bytes[1] = 200;
    view.setUint16(2, 0x3c00, true); // 1.0
    view.setUint16(4, 0xc000, true); // -2.0
    view.setFloat32(6, 0.25, true);
    view.setFloat32(10, -3.5, true);
    view.setInt32(14, -7, true);
    // Split over two shards to check shard concatenation.
    const shards = [[bytes.slice(0, 5), bytes.slice(5)]];
    const map = decodeWeights(
      [
        {
          paths: ['a.bin', 'b.bin'],
          weights: [
            {
              name: 'q8',
              shape: [2],
              dtype: 'float32',
              quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
            },
            { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
            { name: 'f', shape: [2, 1], dtype: 'float32' },
            { name: 'i', shape: [1], dtype: 'int32' },
          ],
        },
      ],
      shards,
    );
    expect(Array.from(map.get('q8')?.data ?? [])).toEqual([-1, 99]);
    expect(Array.from(map.get('h')?.data ?? [])).toEqual([1, -2]);
    expect(Array.from(map.get('f')?.data ?? [])).toEqual([0.25, -3.5]);
    expect(map.get('f')?.shape).toEqual([2, 1]);
    expect(Array.from(map.get('i')?.int32 ?? [])).toEqual([-7]);
  });

  it('decodes float16 subnormals and infinities', () => {
    expect(halfToFloat(0x0001)).toBeCloseTo(2 ** -24, 30);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325, 5);
  });

  it('refuses a manifest whose shard is too short, naming the weight', () => {
    expect(() =>
      decodeWeights(
        [{ paths: ['x.bin'], weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }],
        [[new Uint8Array(8)]],
      ),
    ).toThrow(/weight w .*truncated/);
  });

  it('reads every weight of the shipped face-api SSD manifest with its declared shape', async () => {
    const map = await readWeights(
      'node_modules/@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json',
    );
    const w = map.get('MobilenetV1/Conv2d_0_pointwise/weights');
    expect(w?.shape).toEqual([3, 3, 3, 32]);
    expect(w?.data.length).toBe(3 * 3 * 3 * 32);
    for (const t of map.values()) expect(t.data.every(Number.isFinite)).toBe(true);
  });
});
