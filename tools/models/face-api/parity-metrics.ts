/**
 * Comparison helpers for the face-api parity run: error measures, detection
 * matching, and face-api's tiny-YOLO decode (the reference side of the tiny
 * detector, whose decode our graph bakes in).
 */
import { boxIou, type SquareDetection } from './detections.js';
import type { ReferenceDetection } from './reference.js';

const TINY_ANCHORS = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** face-api's TinyYolov2Base.extractBoxes formula on its raw NHWC head, in our output layout. */
export function decodeTinyHead(
  head: Float32Array,
  cells = 13,
): { boxes: Float32Array; scores: Float32Array } {
  const n = cells * cells * TINY_ANCHORS.length;
  const boxes = new Float32Array(n * 4);
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = i % TINY_ANCHORS.length;
    const cell = Math.floor(i / TINY_ANCHORS.length);
    const row = Math.floor(cell / cells);
    const col = cell % cells;
    const v = (k: number): number => head[i * 5 + k] ?? 0;
    const [ax = 0, ay = 0] = TINY_ANCHORS[a] ?? [];
    const w = (Math.exp(v(2)) * ax) / cells;
    const h = (Math.exp(v(3)) * ay) / cells;
    const x = (col + sigmoid(v(0))) / cells - w / 2;
    const y = (row + sigmoid(v(1))) / cells - h / 2;
    boxes.set([y, x, y + h, x + w], i * 4);
    scores[i] = sigmoid(v(4));
  }
  return { boxes, scores };
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

/** The same cosine the int8 parity report uses. */
export { cosine } from '../parity/metrics.js';

export const argmax = (v: Float32Array): number => v.indexOf(Math.max(...v));

export function sameDetections(p: SquareDetection[], q: SquareDetection[]): boolean {
  return (
    p.length === q.length &&
    p.every((d, i) => {
      const e = q[i];
      return !!e && maxAbs([d.x, d.y, d.w, d.h, d.score], [e.x, e.y, e.w, e.h, e.score]) < 1e-4;
    })
  );
}

export function minMatchedIou(onnx: ReferenceDetection[], faceApi: ReferenceDetection[]): number {
  let min = 1;
  for (const d of onnx) {
    const best = Math.max(0, ...faceApi.map((r) => boxIou(d, r)));
    min = Math.min(min, best);
  }
  return min;
}

export function toImageRelative(d: SquareDetection, squarePx: number, w: number, h: number) {
  return {
    x: (d.x * squarePx) / w,
    y: (d.y * squarePx) / h,
    w: (d.w * squarePx) / w,
    h: (d.h * squarePx) / h,
    score: d.score,
  };
}
