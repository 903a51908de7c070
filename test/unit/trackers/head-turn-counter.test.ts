import { describe, expect, it } from 'vitest';
import { type HeadTurn, HeadTurnCounter } from '../../../src/trackers/head-turn-counter.js';
import { defaults } from './support/config.js';

/** Feeds yaw values at 10 fps from t = 0 and collects the turns. */
function feed(yaws: number[], overrides = {}) {
  const counter = new HeadTurnCounter({ headTurn: defaults('headTurn', overrides) });
  const turns: HeadTurn[] = [];
  yaws.forEach((yaw, i) => {
    const turn = counter.push(i * 100, yaw);
    if (turn) turns.push(turn);
  });
  return { counter, turns };
}

const hold = (yaw: number, frames: number) => new Array<number>(frames).fill(yaw);

describe('HeadTurnCounter (yawDeg 25, releaseDeg 15, minDwellMs 250 by default)', () => {
  it('counts one turn with its direction, start and end', () => {
    const { turns } = feed([...hold(0, 10), ...hold(35, 10), ...hold(0, 10)]);
    // yaw > 0 is the student's own left (HeadPose).
    expect(turns).toEqual([{ direction: 'left', startMs: 1000, endMs: 2000 }]);
  });

  it('does not count jitter between releaseDeg and yawDeg as extra turns (hysteresis)', () => {
    const jitter = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? -27 : -18));
    const { turns } = feed([...hold(0, 5), ...jitter, ...hold(0, 5)]);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.direction).toBe('right');
  });

  it('ignores turns shorter than minDwellMs', () => {
    const { turns } = feed([...hold(0, 5), ...hold(40, 2), ...hold(0, 5)]);
    expect(turns).toHaveLength(0);
  });

  it('ends one turn and starts the other when the head swings straight across', () => {
    const { turns } = feed([...hold(0, 3), ...hold(40, 5), ...hold(-40, 5), ...hold(0, 3)]);
    expect(turns.map((t) => t.direction)).toEqual(['left', 'right']);
  });

  it('keeps a turn open while the face is not measured (profile lost by the landmarker)', () => {
    const counter = new HeadTurnCounter({ headTurn: defaults('headTurn') });
    counter.push(0, 0);
    counter.push(100, 40);
    for (let t = 200; t < 2000; t += 100) expect(counter.push(t, undefined)).toBeUndefined();
    expect(counter.push(2000, 2)).toEqual({ direction: 'left', startMs: 100, endMs: 2000 });
  });

  it('counts turns within the window and in total', () => {
    const headTurn = defaults('headTurn', { windowS: 10 });
    const counter = new HeadTurnCounter({ headTurn });
    // A 1 s turn every 3 s for 30 s.
    for (let t = 0; t <= 30_000; t += 100)
      counter.push(t, t % 3000 >= 1000 && t % 3000 < 2000 ? 30 : 0);
    expect(counter.count).toBe(10);
    // Turns end at 2 s + 3k s; those ending in (20 s, 30 s] are 23, 26, 29 s.
    expect(counter.inWindow(30_000)).toBe(3);
    counter.reset();
    expect(counter.count).toBe(0);
  });
});
