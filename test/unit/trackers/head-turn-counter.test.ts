import { describe, expect, it } from 'vitest';
import { type HeadTurn, HeadTurnCounter } from '../../../src/trackers/head-turn-counter.js';
import { defaults } from './support/config.js';

const CONFIG = defaults('headTurn');

/** Feeds yaw values at 10 fps from t = 0 and collects the turns. */
function feed(yaws: Array<number | undefined>, overrides = {}) {
  const counter = new HeadTurnCounter({ headTurn: defaults('headTurn', overrides) });
  const turns: HeadTurn[] = [];
  yaws.forEach((yaw, i) => {
    const turn = counter.push(i * 100, yaw);
    if (turn) turns.push(turn);
  });
  return { counter, turns };
}

const hold = (yaw: number, frames: number) => new Array<number>(frames).fill(yaw);
/** A steady value with ±amplitude jitter (deterministic). */
const wobble = (yaw: number, frames: number, amplitude: number) =>
  Array.from({ length: frames }, (_, i) => yaw + amplitude * Math.sin(i * 1.7));

describe(`HeadTurnCounter (defaults: yawDeg ${CONFIG.yawDeg}, releaseDeg ${CONFIG.releaseDeg}, minDwellMs ${CONFIG.minDwellMs})`, () => {
  it('counts one turn with its direction, start and end', () => {
    const { turns } = feed([...hold(0, 10), ...hold(35, 10), ...hold(0, 10)]);
    // yaw > 0 is the student's own left (HeadPose).
    expect(turns).toEqual([{ direction: 'left', startMs: 1000, endMs: 2000 }]);
  });

  it('does not count jitter between releaseDeg and yawDeg as extra turns (hysteresis)', () => {
    const mid = (CONFIG.yawDeg + CONFIG.releaseDeg) / 2;
    const jitter = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? -(CONFIG.yawDeg + 5) : -mid,
    );
    const { turns } = feed([...hold(0, 5), ...jitter, ...hold(0, 5)]);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.direction).toBe('right');
  });

  it('ignores turns shorter than minDwellMs', () => {
    const { turns } = feed([...hold(0, 5), ...hold(40, 2), ...hold(0, 5)]);
    expect(turns).toHaveLength(0);
  });

  it('does not split a turn on one odd frame back near the rest', () => {
    // A turned face whose region was re-cut from a fresh detection read -10° for one frame
    // among -28° (the 30-face classroom clip): one turn, not two.
    const { turns } = feed([
      ...hold(0, 10),
      ...hold(-28, 20),
      -10,
      ...hold(-28, 20),
      ...hold(0, 5),
    ]);
    expect(turns).toEqual([{ direction: 'right', startMs: 1000, endMs: 5100 }]);
  });

  it('counts a turn that started from one front reading on a swing across (a face born turned)', () => {
    // intel_hp_female_preview: near profile to the right from the first frame, one reading near
    // the front on the way, then a turn to the left: that turn started from the resting pose.
    const { turns } = feed([-55, -50, -30, -16, 2, 19, 32, 39, 37, 30, 21, 7, -5]);
    expect(turns).toEqual([{ direction: 'left', startMs: 600, endMs: 1100 }]);
  });

  it('ends one turn and starts the other when the head swings straight across', () => {
    const { turns } = feed([...hold(0, 3), ...hold(40, 5), ...hold(-40, 5), ...hold(0, 2)]);
    expect(turns.map((t) => t.direction)).toEqual(['left', 'right']);
  });

  it('keeps a turn open while the face is not measured (profile lost by the landmarker)', () => {
    const counter = new HeadTurnCounter({ headTurn: CONFIG });
    counter.push(0, 0);
    counter.push(100, 40);
    for (let t = 200; t < 2000; t += 100) expect(counter.push(t, undefined)).toBeUndefined();
    // Back at 2000 ms; the turn ends on the second reading back, dated from the first.
    expect(counter.push(2000, 2)).toBeUndefined();
    expect(counter.push(2100, 2)).toEqual({ direction: 'left', startMs: 100, endMs: 2000 });
  });

  it('counts turns within the window and in total', () => {
    const counter = new HeadTurnCounter({ headTurn: defaults('headTurn', { windowS: 10 }) });
    // A 1 s turn every 3 s for 30 s.
    for (let t = 0; t <= 30_000; t += 100)
      counter.push(t, t % 3000 >= 1000 && t % 3000 < 2000 ? 35 : 0);
    expect(counter.count).toBe(10);
    // Turns end at 2 s + 3k s; those ending in (20 s, 30 s] are 23, 26, 29 s.
    expect(counter.inWindow(30_000)).toBe(3);
    counter.reset();
    expect(counter.count).toBe(0);
  });
});

describe('HeadTurnCounter: turns measured from the resting yaw', () => {
  it('a student resting at 15° with drifts to 20° counts no turn (a fixed 15° threshold would)', () => {
    // 100 s of someone sitting turned 15° towards the window, drifting 11-21°.
    const yaws = Array.from(
      { length: 1000 },
      (_, i) => 15 + 6 * Math.sin(i / 37) * Math.sin(i / 5),
    );
    const { turns, counter } = feed(yaws);
    expect(turns).toEqual([]);
    expect(counter.restingYawDeg).toBeGreaterThan(12);
    expect(counter.restingYawDeg).toBeLessThan(18);
  });

  it('counts a 25° turn back to the side from a 15° rest as a turn to the right', () => {
    // Rest at +15° (own left); a turn to -10° is 25° towards the own right.
    const { turns } = feed([...wobble(15, 100, 2), ...hold(-10, 10), ...wobble(15, 30, 2)]);
    expect(turns).toEqual([{ direction: 'right', startMs: 10_000, endMs: 11_000 }]);
  });

  it('does not learn the turns themselves: ten turns in a minute leave the rest near 0°', () => {
    const yaws: number[] = [];
    for (let k = 0; k < 10; k++) yaws.push(...wobble(0, 40, 2), ...hold(k % 2 ? 40 : -40, 20));
    const { turns, counter } = feed([...yaws, ...wobble(0, 10, 2)]);
    expect(turns).toHaveLength(10);
    expect(Math.abs(counter.restingYawDeg)).toBeLessThan(3);
  });

  it('a student who keeps facing away is one turn and the "turned away" state, not a stream', () => {
    const counter = new HeadTurnCounter({ headTurn: CONFIG });
    const turns: HeadTurn[] = [];
    const away: boolean[] = [];
    const script = [...wobble(0, 50, 2), ...wobble(40, 1200, 6), ...wobble(0, 50, 2)];
    script.forEach((yaw, i) => {
      const turn = counter.push(i * 100, yaw);
      if (turn) turns.push(turn);
      away.push(counter.turnedAway(i * 100));
    });
    expect(turns).toEqual([{ direction: 'left', startMs: 5000, endMs: 125_000 }]);
    // Away from awayAfterS into the turn until it ends; the 40° pose never became the rest.
    expect(away[50 + CONFIG.awayAfterS * 10 - 1]).toBe(false);
    expect(away[50 + CONFIG.awayAfterS * 10]).toBe(true);
    // Back at frame 1250; the state holds until the second reading back.
    expect(away[1250]).toBe(true);
    expect(away[1251]).toBe(false);
    expect(Math.abs(counter.restingYawDeg)).toBeLessThan(3);
  });

  it('learns the rest of a face born turned: one odd first reading does not make it turned away', () => {
    // The 30-face clip: a still face at -15° whose first reading (from the detector's box) was -21°.
    const { counter, turns } = feed([-21, -19, -17, -18, ...wobble(-15, 200, 1)]);
    expect(turns).toEqual([]);
    expect(counter.turnedAway(20_300)).toBe(false);
    expect(counter.restingYawDeg).toBeCloseTo(-15, 0);
    // Its rest learned, it turns like anyone else.
    const later = [...hold(25, 10), ...hold(-15, 5)].map((yaw, i) =>
      counter.push(20_400 + i * 100, yaw),
    );
    expect(later.filter((t) => t !== undefined)).toHaveLength(1);
  });

  it('caps the rest: readings beyond baselineMaxDeg never become the resting yaw', () => {
    const { counter } = feed(hold(CONFIG.baselineMaxDeg + 10, 600));
    expect(counter.restingYawDeg).toBe(0);
    expect(counter.turnedAway(59_900)).toBe(true);
  });

  it('does not count the turn a track was born in (no start seen: e.g. a phantom track)', () => {
    const { turns, counter } = feed([
      ...hold(-45, 20),
      ...hold(0, 20),
      ...hold(-45, 10),
      ...hold(0, 5),
    ]);
    expect(turns).toEqual([{ direction: 'right', startMs: 4000, endMs: 5000 }]);
    expect(counter.count).toBe(1);
  });

  it('ignores frames without a pose and non-finite yaws', () => {
    const { turns } = feed([...hold(0, 10), undefined, Number.NaN, ...hold(0, 10)]);
    expect(turns).toEqual([]);
  });
});
