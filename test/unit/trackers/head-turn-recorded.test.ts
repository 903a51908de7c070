// The head-turn counter with its defaults on yaw recorded from the pipeline over real clips
// (test/fixtures/turns/yaw, fp32 models, every frame), scored against the turn truth made by eye
// (test/fixtures/turns, docs/ground-truth.md). Pure: no model runs here, so the counter's rule can
// be changed and checked in milliseconds. The integration test replays the clips end to end.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HeadTurn, HeadTurnCounter } from '../../../src/trackers/head-turn-counter.js';
import { loadTurnTruth, scoreTurns, TURN_FIXTURES } from '../../../tools/eval/turn-truth.js';
import { defaults } from './support/config.js';

interface Recording {
  tMs: number[];
  yawDeg: Array<number | null>;
}

function replay(clip: string): HeadTurn[] {
  const recording = JSON.parse(
    readFileSync(join(TURN_FIXTURES, 'yaw', `${clip}.json`), 'utf8'),
  ) as Recording;
  const counter = new HeadTurnCounter({ headTurn: defaults('headTurn') });
  const turns: HeadTurn[] = [];
  recording.tMs.forEach((tMs, i) => {
    const turn = counter.push(tMs, recording.yawDeg[i] ?? undefined);
    if (turn) turns.push(turn);
  });
  return turns;
}

describe('HeadTurnCounter on recorded yaw (schema defaults)', () => {
  it.each([
    ['mmphego_webcam_demo', 2],
    ['udacity_pointer_demo', 2],
    ['smirk_skarsgard', 2],
  ])('%s: every true turn found, nothing else', (clip, expected) => {
    const score = scoreTurns(loadTurnTruth(clip), replay(clip));
    expect(score.truePositives).toBe(expected);
    expect(score.falsePositives).toBe(0);
    expect(score.falseNegatives).toBe(0);
  });

  it.each([['d9'], ['franck-first100s']])(
    '%s (frontal: grimaces, talking): no false turn',
    (clip) => {
      const score = scoreTurns(loadTurnTruth(clip), replay(clip));
      expect(score.falsePositiveTimesMs).toEqual([]);
    },
  );

  it('a fixed threshold from 0° (the old rule, 15°/9°) would count false turns on franck', () => {
    // Why the resting yaw matters: the same recording against 0° with the old thresholds.
    const recording = JSON.parse(
      readFileSync(join(TURN_FIXTURES, 'yaw', 'franck-first100s.json'), 'utf8'),
    ) as Recording;
    const counter = new HeadTurnCounter({
      headTurn: defaults('headTurn', { yawDeg: 15, releaseDeg: 9, baselineMaxDeg: 0 }),
    });
    const turns: HeadTurn[] = [];
    recording.tMs.forEach((tMs, i) => {
      const turn = counter.push(tMs, recording.yawDeg[i] ?? undefined);
      if (turn) turns.push(turn);
    });
    expect(scoreTurns(loadTurnTruth('franck-first100s'), turns).falsePositives).toBeGreaterThan(0);
  });
});
