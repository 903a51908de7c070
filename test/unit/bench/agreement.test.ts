import { describe, expect, it } from 'vitest';
import { AgreementMeter, cosine, landmarkShift } from '../../../src/bench/agreement.js';
import type { Observation } from '../../../src/pipeline/types.js';

/** 478 points on a grid, eye corners 33 and 263 set 100 px apart. */
function mesh(dx = 0): Float32Array {
  const points = new Float32Array(478 * 3);
  for (let i = 0; i < 478; i++) {
    points[i * 3] = (i % 20) * 5 + dx;
    points[i * 3 + 1] = Math.floor(i / 20) * 5;
  }
  points[33 * 3] = 0 + dx;
  points[33 * 3 + 1] = 50;
  points[263 * 3] = 100 + dx;
  points[263 * 3 + 1] = 50;
  return points;
}

describe('int8/fp32 output agreement', () => {
  it('landmark shift is mean point distance over the inter-ocular distance', () => {
    expect(landmarkShift(mesh(), mesh())).toBe(0);
    expect(landmarkShift(mesh(1), mesh())).toBeCloseTo(0.01, 6);
  });

  it('cosine of equal, opposite and orthogonal vectors', () => {
    const a = Float32Array.from([1, 0, 0]);
    expect(cosine(a, a)).toBeCloseTo(1);
    expect(cosine(a, Float32Array.from([-2, 0, 0]))).toBeCloseTo(-1);
    expect(cosine(a, Float32Array.from([0, 3, 0]))).toBeCloseTo(0);
  });

  it('matches faces by box overlap and counts frames with the same face count', () => {
    const box = { x: 0, y: 0, w: 100, h: 100 };
    const face = (dx: number, e: number[]): Observation => ({
      box,
      landmarks: mesh(dx),
      embedding: Float32Array.from(e),
    });
    const meter = new AgreementMeter();
    meter.add([face(0, [1, 0])], [face(2, [1, 1])]);
    meter.add([face(0, [1, 0])], []);
    const r = meter.result();
    expect(r.frames).toBe(2);
    expect(r.sameFaceCount).toBe(1);
    expect(r.meanLandmarkShift).toBeCloseTo(0.02, 6);
    expect(r.minEmbeddingCosine).toBeCloseTo(Math.SQRT1_2, 6);
  });
});
