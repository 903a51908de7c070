// A small MobileNet-like conv net with seeded random weights: the quantiser's own test subject,
// covering Conv+ReLU, depthwise Conv+Clip(0,6), a residual Add, MaxPool, global pooling and Gemm.
import * as ort from 'onnxruntime-node';
import { f, GraphBuilder } from '../onnx/graph-builder.js';
import type { ModelProto } from '../onnx/proto.js';
import type { Feed } from './range-collector.js';

/** Deterministic uniform values in [-1, 1) (mulberry32), so tests see the same net every run. */
export function seededValues(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return values;
}

export const TINY_NET_SIZE = 32;

export function buildTinyNet(): ModelProto {
  const g = new GraphBuilder({ name: 'tiny-net' });
  const size = TINY_NET_SIZE;
  g.input('image', [1, 3, size, size]);
  const w1 = g.initializer('conv1/w', seededValues(8 * 3 * 9, 1, 0.4), [8, 3, 3, 3]);
  const b1 = g.initializer('conv1/b', seededValues(8, 2, 0.1), [8]);
  const [c1] = g.node('Conv', ['image', w1, b1], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  const [r1] = g.node('Relu', [c1 ?? ''], 1);
  const w2 = g.initializer('dw/w', seededValues(8 * 9, 3, 0.5), [8, 1, 3, 3]);
  const b2 = g.initializer('dw/b', seededValues(8, 4, 0.1), [8]);
  const [c2] = g.node('Conv', [r1 ?? '', w2, b2], 1, {
    kernel_shape: [3, 3],
    pads: [1, 1, 1, 1],
    group: 8,
  });
  const [r2] = g.node('Clip', [c2 ?? '', g.float([0]), g.float([6])], 1);
  const w3 = g.initializer('pw/w', seededValues(8 * 8, 5, 0.5), [8, 8, 1, 1]);
  const b3 = g.initializer('pw/b', seededValues(8, 6, 0.1), [8]);
  const [c3] = g.node('Conv', [r2 ?? '', w3, b3], 1, { kernel_shape: [1, 1] });
  const [sum] = g.node('Add', [c3 ?? '', r1 ?? ''], 1);
  const [pooled] = g.node('MaxPool', [sum ?? ''], 1, { kernel_shape: [2, 2], strides: [2, 2] });
  const [global] = g.node('GlobalAveragePool', [pooled ?? ''], 1);
  const [flat] = g.node('Flatten', [global ?? ''], 1);
  const w4 = g.initializer('fc/w', seededValues(4 * 8, 7, 0.5), [4, 8]);
  const b4 = g.initializer('fc/b', seededValues(4, 8, 0.1), [4]);
  g.node('Gemm', [flat ?? '', w4, b4], ['scores'], { transB: 1, alpha: f(1) });
  g.output('scores', [1, 4]);
  return g.toModel();
}

/** Smooth random images in [0, 1]: low-frequency patterns like real pictures, not white noise. */
export function tinyNetFeeds(count: number, seed: number): Feed[] {
  const size = TINY_NET_SIZE;
  const feeds: Feed[] = [];
  for (let n = 0; n < count; n++) {
    const phases = seededValues(9, seed + n * 17);
    const data = new Float32Array(3 * size * size);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const a = phases[c * 3] ?? 0;
          const b = phases[c * 3 + 1] ?? 0;
          const p = phases[c * 3 + 2] ?? 0;
          data[(c * size + y) * size + x] = 0.5 + 0.5 * Math.sin(a * x * 0.4 + b * y * 0.3 + p * 3);
        }
      }
    }
    feeds.push({ image: new ort.Tensor('float32', data, [1, 3, size, size]) });
  }
  return feeds;
}
