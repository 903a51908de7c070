import { describe, expect, it } from 'vitest';
import {
  combineTurnScores,
  scoreTurns,
  type TurnTruth,
  turnsFromTrace,
} from '../../../tools/eval/turn-truth.js';

const TRUTH: TurnTruth = {
  video: 'clip.mp4',
  fps: 10,
  frames: 300,
  kind: 'turns',
  turns: [
    { startFrame: 20, endFrame: 40, direction: 'left' },
    { startFrame: 100, endFrame: 120, direction: 'right' },
  ],
  dontCare: [{ startFrame: 200, endFrame: 220, why: 'borderline' }],
};

describe('turn scoring', () => {
  it("matches by direction and overlap, once each; ignores detections in don't-care spans", () => {
    const score = scoreTurns(TRUTH, [
      { direction: 'left', startMs: 2100, endMs: 4000 },
      { direction: 'left', startMs: 2500, endMs: 3000 }, // a second match for the same turn
      { direction: 'left', startMs: 10_000, endMs: 12_000 }, // wrong direction
      { direction: 'right', startMs: 20_500, endMs: 21_000 }, // don't care
    ]);
    expect(score).toMatchObject({
      truth: 2,
      detected: 3,
      truePositives: 1,
      falsePositives: 2,
      falseNegatives: 1,
      missedTimesMs: [10_000],
    });
    expect(score.f1).toBeCloseTo(0.4, 6);
  });

  it('allows 200 ms either side of the hand-made span', () => {
    const near = scoreTurns(TRUTH, [{ direction: 'left', startMs: 4150, endMs: 5000 }]);
    expect(near.truePositives).toBe(1);
    const far = scoreTurns(TRUTH, [{ direction: 'left', startMs: 4300, endMs: 5000 }]);
    expect(far.truePositives).toBe(0);
  });

  it('pools clips by summing counts', () => {
    const a = scoreTurns(TRUTH, [{ direction: 'left', startMs: 2000, endMs: 4000 }]);
    const b = scoreTurns({ ...TRUTH, turns: [] }, [{ direction: 'right', startMs: 0, endMs: 500 }]);
    expect(combineTurnScores([a, b])).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      falseNegatives: 1,
    });
  });

  it('reads turn lines from a replay trace and names a bad line', () => {
    const trace = [
      '{"type":"frame","tMs":0,"faces":1}',
      '{"type":"turn","track":"anon-1","direction":"left","startMs":100,"endMs":900}',
      '',
    ].join('\n');
    expect(turnsFromTrace(trace)).toEqual([{ direction: 'left', startMs: 100, endMs: 900 }]);
    expect(() => turnsFromTrace('{"type":"turn","direction":"up"}')).toThrow(/line 1/);
    expect(() => turnsFromTrace('not json')).toThrow(/line 1 is not JSON/);
  });
});
