import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import type { Observation } from '../../../src/pipeline/types.js';
import { StudentState } from '../../../src/trackers/student-state.js';
import { defaults } from './support/config.js';
import { eyeFrames, periodic } from './support/eye-signals.js';

const BOX = { x: 100, y: 100, w: 60, h: 60 };

function student(overrides: { blink?: object; headTurn?: object } = {}) {
  return new StudentState({
    trackId: 'anon-1',
    blink: defaults('blink', overrides.blink),
    headTurn: defaults('headTurn', overrides.headTurn),
    expression: defaults('expression'),
  });
}

/** Runs eye frames (and an optional yaw script) through a student; returns its alerts. */
function drive(
  state: StudentState,
  frames: ReturnType<typeof eyeFrames>,
  yawAt: (tMs: number) => number = () => 0,
  widthAt: (tMs: number) => number = () => BOX.w,
  blinks: EventOf<'blink'>[] = [],
): EventOf<'alert'>[] {
  const alerts: EventOf<'alert'>[] = [];
  for (const frame of frames) {
    const w = widthAt(frame.tMs);
    const observation: Observation = {
      box: { ...BOX, w, h: w },
      pose: { yawDeg: yawAt(frame.tMs), pitchDeg: 0, rollDeg: 0 },
    };
    if (frame.eyes) observation.eyes = frame.eyes;
    for (const event of state.update(frame.tMs, observation)) {
      if (event.type === 'alert') alerts.push(event);
      if (event.type === 'blink') blinks.push(event);
    }
  }
  return alerts;
}

describe('StudentState alerts', () => {
  it('raises "tired" when blinks in the window reach tiredBlinks, then waits the cool-down', () => {
    const { tiredBlinks, windowS, alertCooldownS } = defaults('blink');
    // A blink every 1.8 s: 33 per minute, above the 30 of the default threshold.
    const frames = eyeFrames({
      fps: 10,
      durationMs: 400_000,
      closures: periodic(1000, 1800, 400_000, 200),
    });
    const state = student();
    const alerts = drive(state, frames);
    expect(alerts.map((a) => a.alert)).toEqual(['tired', 'tired']);
    const [first, second] = alerts;
    expect(first?.reason).toBe(`${tiredBlinks} blinks in ${windowS} s (≥ ${tiredBlinks})`);
    // The first alert comes with the tiredBlinks-th blink, not before.
    expect(first?.tMs).toBeGreaterThanOrEqual(1000 + (tiredBlinks - 1) * 1800);
    expect((second?.tMs ?? 0) - (first?.tMs ?? 0)).toBeGreaterThanOrEqual(alertCooldownS * 1000);
    expect(state.signals(400_000).tired).toBe(true);
  });

  it('raises "tired" on PERCLOS once half of the window has been measured', () => {
    // Eyes shut 1.5 s out of every 6 s: PERCLOS 0.25, above 0.15; closures too long to be blinks.
    const frames = eyeFrames({
      fps: 10,
      durationMs: 60_000,
      closures: periodic(3000, 6000, 60_000, 1500),
    });
    const state = student();
    const alerts = drive(state, frames);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.reason).toMatch(/^PERCLOS 0\.2\d over 60 s \(≥ 0\.15\)$/);
    expect(alerts[0]?.tMs).toBeGreaterThanOrEqual(30_000);
    const signals = state.signals(60_000);
    expect(signals.blinks).toBe(0);
    expect(signals.eyesClosedMs).toBeGreaterThan(8000);
  });

  it('raises "looking-around" at lookingAroundTurns turns in the window, with its cool-down', () => {
    const { lookingAroundTurns, alertCooldownS } = defaults('headTurn');
    // A 1 s turn every 8 s (from 4 s: a turn is counted only from a seen resting pose),
    // alternating sides: 7.5 per minute.
    const yawAt = (t: number) =>
      t % 8000 >= 4000 && t % 8000 < 5000 ? (Math.floor(t / 8000) % 2 ? -35 : 35) : 0;
    const frames = eyeFrames({ fps: 10, durationMs: 200_000 });
    const state = student();
    const alerts = drive(state, frames, yawAt);
    expect(alerts.map((a) => a.alert)).toEqual(['looking-around', 'looking-around']);
    expect(alerts[0]?.reason).toBe(
      `${lookingAroundTurns} head turns in 60 s (≥ ${lookingAroundTurns})`,
    );
    expect((alerts[1]?.tMs ?? 0) - (alerts[0]?.tMs ?? 0)).toBeGreaterThanOrEqual(
      alertCooldownS * 1000,
    );
    expect(state.signals(200_000).turns).toBe(25);
  });

  it('stays quiet for a calm student (a blink every 4 s, no turns) over five minutes', () => {
    const frames = eyeFrames({
      fps: 10,
      durationMs: 300_000,
      closures: periodic(2000, 4000, 300_000, 200),
    });
    const state = student();
    expect(drive(state, frames)).toEqual([]);
    const signals = state.signals(300_000);
    expect(signals).toMatchObject({ tired: false, lookingAround: false, blinks: 75, turns: 0 });
    expect(signals.blinkRatePerMin).toBeCloseTo(15, 0);
    // The blinks themselves are eyes shut: 200 ms of every 4 s.
    expect(signals.perclos).toBeCloseTo(0.05, 2);
  });

  describe('faces too small for eye measurements (blink.minFacePx)', () => {
    const { minFacePx } = defaults('blink');
    // Blinking 33/min and eyes shut long enough for PERCLOS: every eye signal would fire.
    const frames = eyeFrames({
      fps: 10,
      durationMs: 120_000,
      closures: periodic(1000, 1800, 120_000, 200),
    });

    it('reports eyes as unknown (null), counts no blinks and raises no tired alert', () => {
      const state = student();
      const blinks: EventOf<'blink'>[] = [];
      const alerts = drive(state, frames, undefined, () => minFacePx - 4, blinks);
      expect(blinks).toEqual([]);
      expect(alerts).toEqual([]);
      expect(state.signals(120_000)).toMatchObject({
        eyesMeasurable: false,
        blinks: null,
        blinkRatePerMin: null,
        perclos: null,
        eyesClosedMs: null,
      });
    });

    it('measures once the face is wide enough, and does not flicker just under the threshold', () => {
      const state = student();
      const blinks: EventOf<'blink'>[] = [];
      // Small for 30 s, then at the threshold, then 5 % under it (inside the hysteresis).
      const widthAt = (t: number) =>
        t < 30_000 ? minFacePx - 6 : t < 60_000 ? minFacePx : Math.round(minFacePx * 0.95);
      drive(state, frames, undefined, widthAt, blinks);
      expect(blinks.length).toBeGreaterThan(20);
      expect(blinks.every((b) => b.startMs >= 30_000)).toBe(true);
      expect(state.signals(120_000).eyesMeasurable).toBe(true);
    });
  });

  describe('eyes read unsteadily (a still face looking down, lids low)', () => {
    // Alternate frames read half and full open on a still face: every other frame looks like a
    // blink. Seen on the 30-face classroom clip (88 blinks in 20 s, a "tired" alert, on a photo).
    const flicker = eyeFrames({ fps: 15, durationMs: 60_000 }).map((f, i) => ({
      tMs: f.tMs,
      eyes: i % 2 === 0 ? { left: 0.23, right: 0.23 } : { left: 0.1, right: 0.1 },
    }));

    it('counts no blinks, raises no tired alert and reports the eyes as not measurable', () => {
      const state = student();
      const blinks: EventOf<'blink'>[] = [];
      const alerts = drive(state, flicker, undefined, undefined, blinks);
      expect(blinks).toEqual([]);
      expect(alerts).toEqual([]);
      expect(state.signals(60_000)).toMatchObject({ eyesMeasurable: false, blinks: null });
      // The pipeline still measures them, so the face is seen again once its readings settle.
      expect(state.eyesWanted).toBe(true);
    });

    it('counts a blink of the first second, before the readings were judged, once they are steady', () => {
      const state = student();
      const blinks: EventOf<'blink'>[] = [];
      const frames = eyeFrames({
        fps: 15,
        durationMs: 3000,
        closures: periodic(400, 10_000, 3000, 200),
      });
      drive(state, frames, undefined, undefined, blinks);
      expect(blinks).toHaveLength(1);
      expect(blinks[0]?.startMs).toBeGreaterThanOrEqual(400);
      expect(blinks[0]?.endMs).toBeLessThan(1000);
      expect(state.signals(3000)).toMatchObject({ eyesMeasurable: true, blinks: 1 });
    });

    it('measures blinks again once the readings settle', () => {
      const state = student();
      const blinks: EventOf<'blink'>[] = [];
      const calm = eyeFrames({
        fps: 15,
        durationMs: 60_000,
        closures: periodic(2000, 4000, 60_000, 200),
      }).map((f) => ({ ...f, tMs: f.tMs + 60_000 }));
      drive(state, [...flicker, ...calm], undefined, undefined, blinks);
      expect(blinks.length).toBeGreaterThanOrEqual(14);
      expect(blinks.every((b) => b.startMs >= 60_000)).toBe(true);
      expect(state.signals(120_000).eyesMeasurable).toBe(true);
    });
  });
});
