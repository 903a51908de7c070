import { describe, expect, it } from 'vitest';
import {
  blazefaceAnchors,
  decodeBlazeface,
} from '../../../src/pipeline/detect/blazeface-decode.js';
import { iou, nonMaxSuppression } from '../../../src/pipeline/detect/nms.js';
import { decodeSsd, decodeSsdBox } from '../../../src/pipeline/detect/ssd-decode.js';

describe('non-maximum suppression', () => {
  it('computes IoU of overlapping and disjoint boxes', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 20, w: 5, h: 5 })).toBe(0);
  });

  it('keeps the best of overlapping boxes and every separate face', () => {
    const kept = nonMaxSuppression(
      [
        { x: 0, y: 0, w: 10, h: 10, score: 0.6 },
        { x: 1, y: 1, w: 10, h: 10, score: 0.9 },
        { x: 50, y: 50, w: 10, h: 10, score: 0.7 },
      ],
      { iouThreshold: 0.3 },
    );
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.7]);
  });

  it('drops a half face inside a whole one when asked (tile seams)', () => {
    const whole = { x: 0, y: 0, w: 20, h: 20, score: 0.9 };
    const half = { x: 10, y: 0, w: 10, h: 20, score: 0.8 };
    expect(nonMaxSuppression([whole, half], { iouThreshold: 0.6 })).toHaveLength(2);
    expect(nonMaxSuppression([whole, half], { iouThreshold: 0.6, containThreshold: 0.8 })).toEqual([
      whole,
    ]);
  });
});

describe('BlazeFace decode', () => {
  it('lays out 896 anchors: 16×16×2 at stride 16, then 8×8×6 at stride 32', () => {
    const anchors = blazefaceAnchors(256);
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ xPx: 8, yPx: 8 });
    expect(anchors[511]).toEqual({ xPx: 248, yPx: 248 });
    expect(anchors[512]).toEqual({ xPx: 16, yPx: 16 });
  });

  it('decodes centre offsets and sizes around the anchor and thresholds on score', () => {
    const anchors = blazefaceAnchors(256);
    const logits = new Float32Array(896).fill(-10);
    const regressors = new Float32Array(896 * 16);
    logits[3] = 2; // anchor 3: cell (1, 0), centre (24, 8)
    regressors.set([2, 4, 20, 30, 1, 1], 3 * 16);
    const out = decodeBlazeface({ logits, regressors }, anchors, 0.5);
    expect(out).toHaveLength(1);
    const d = out[0];
    expect(d?.x).toBeCloseTo(24 + 2 - 10);
    expect(d?.y).toBeCloseTo(8 + 4 - 15);
    expect(d?.w).toBe(20);
    expect(d?.score).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(d?.keypoints[0]).toEqual({ x: 25, y: 9 });
  });
});

describe('SSD decode', () => {
  const anchors = new Float32Array([0.1, 0.2, 0.3, 0.6]); // ymin, xmin, ymax, xmax

  it('returns the anchor itself for a zero regression', () => {
    const b = decodeSsdBox(new Float32Array(4), anchors, 0);
    expect(b.ymin).toBeCloseTo(0.1);
    expect(b.xmin).toBeCloseTo(0.2);
    expect(b.ymax).toBeCloseTo(0.3);
    expect(b.xmax).toBeCloseTo(0.6);
  });

  it('applies the (10, 10, 5, 5) box coder and scales to input pixels', () => {
    // ty = 10 shifts the centre by one anchor height; th = 5·ln 2 doubles the height.
    const regressions = new Float32Array([10, 0, 5 * Math.LN2, 0]);
    const [d] = decodeSsd({ regressions, scores: new Float32Array([0.8]) }, anchors, 100, 0.5);
    expect(d?.y).toBeCloseTo(100 * (0.4 - 0.2));
    expect(d?.h).toBeCloseTo(100 * 0.4);
    expect(d?.x).toBeCloseTo(20);
    expect(d?.w).toBeCloseTo(40);
    expect(decodeSsd({ regressions, scores: new Float32Array([0.3]) }, anchors, 100, 0.5)).toEqual(
      [],
    );
  });
});
