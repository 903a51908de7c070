import { describe, expect, it } from 'vitest';
import { ExpressionAgreement, topClass } from '../../../src/bench/expression-agreement.js';

const face = (x: number, top: number) => {
  const p = [0, 0, 0, 0, 0, 0, 0];
  p[top] = 1;
  return { box: { x, y: 0, w: 50, h: 50 }, alignedBox: { x, y: 0, w: 50, h: 50 }, p, pOfBox: p };
};

describe('top-1 agreement with face-api', () => {
  it('picks the most probable class', () => {
    expect(topClass([0.1, 0.6, 0.3])).toBe(1);
  });

  it('matches faces one to one by box overlap and counts unmatched faces apart', () => {
    const tally = new ExpressionAgreement();
    // Two of face-api's faces: ours agrees on the first, differs on the second.
    tally.add(
      'samples',
      [face(0, 1), face(100, 2)],
      [
        { alignedBox: { x: 102, y: 0, w: 50, h: 50 }, p: [1, 0, 0, 0, 0, 0, 0] },
        { alignedBox: { x: 3, y: 0, w: 50, h: 50 }, p: [0, 1, 0, 0, 0, 0, 0] },
      ],
    );
    // A face of face-api's we did not find, and a face of ours face-api did not report.
    tally.add('cap12', [face(0, 0)], [{ alignedBox: { x: 300, y: 0, w: 50, h: 50 }, p: [1] }]);
    const r = tally.result();
    expect(r.samples).toEqual({ faces: 2, matched: 2, agree: 1, agreement: 0.5 });
    expect(r.cap12).toEqual({ faces: 1, matched: 0, agree: 0, agreement: 0 });
    expect(r.all).toEqual({ faces: 3, matched: 2, agree: 1, agreement: 0.5 });
  });
});
