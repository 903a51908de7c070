import { describe, expect, it } from 'vitest';
import {
  type Blink,
  BlinkDetector,
  combinedOpenness,
} from '../../../src/trackers/blink-detector.js';
import { defaults } from './support/config.js';
import { type EyeFrame, type EyeScript, eyeFrames, periodic } from './support/eye-signals.js';

function detect(frames: EyeFrame[], overrides = {}) {
  const detector = new BlinkDetector({ blink: defaults('blink', overrides) });
  const blinks: Blink[] = [];
  for (const frame of frames) {
    const blink = detector.push(frame.tMs, frame.eyes);
    if (blink) blinks.push(blink);
  }
  return { detector, blinks };
}

const run = (script: EyeScript, overrides = {}) => detect(eyeFrames(script), overrides);

describe('BlinkDetector', () => {
  it('finds every clean blink with its start and end within one frame', () => {
    const closures = periodic(2000, 4000, 60_000, 150);
    const { detector, blinks } = run({ fps: 30, durationMs: 60_000, closures });
    expect(blinks).toHaveLength(closures.length);
    blinks.forEach((blink, i) => {
      const truth = closures[i];
      expect(Math.abs(blink.startMs - (truth?.startMs ?? 0))).toBeLessThanOrEqual(34);
      expect(
        Math.abs(blink.endMs - ((truth?.startMs ?? 0) + (truth?.durationMs ?? 0))),
      ).toBeLessThanOrEqual(34);
    });
    expect(detector.count).toBe(closures.length);
    expect(detector.inWindow(60_000)).toBe(closures.length);
    expect(detector.ratePerMin(60_000)).toBeCloseTo(closures.length, 5);
    expect(detector.eyesClosedMs()).toBe(0);
  });

  it('ignores dips shorter than minBlinkMs (single-frame noise at 30 fps)', () => {
    // Each dip starts on a frame time (every 30th frame at 30 fps) and covers exactly that frame.
    const closures = periodic(2000, 1000, 30_000, 20);
    const { detector } = run({ fps: 30, durationMs: 30_000, closures });
    expect(detector.count).toBe(0);
  });

  it('counts a long closure as eyes-closed time, not as a blink', () => {
    const { detector, blinks } = run({
      fps: 10,
      durationMs: 10_000,
      closures: [{ startMs: 4000, durationMs: 2000 }],
    });
    expect(blinks).toHaveLength(0);
    expect(detector.eyesClosedMs()).toBeGreaterThanOrEqual(2000 - 100);
    expect(detector.eyesClosedMs()).toBeLessThanOrEqual(2000 + 100);
  });

  it('reports a running long closure while it lasts', () => {
    const frames = eyeFrames({
      fps: 10,
      durationMs: 8000,
      closures: [{ startMs: 4000, durationMs: 10_000 }],
    });
    const { detector } = detect(frames);
    expect(detector.eyesClosedMs()).toBeGreaterThanOrEqual(3800);
  });

  it('follows slow drift of the open level (student moving farther away) without false closures', () => {
    // Open EAR drifts from 0.30 to 0.20 over 40 s; a blink every 3 s.
    const closures = periodic(1500, 3000, 40_000, 200);
    const { detector, blinks } = run({
      fps: 10,
      durationMs: 40_000,
      openLevel: (t) => 0.3 - (0.1 * t) / 40_000,
      closures,
    });
    expect(blinks).toHaveLength(closures.length);
    expect(detector.eyesClosedMs()).toBe(0);
    expect(detector.openLevel).toBeGreaterThan(0.19);
    // A high percentile of the last baselineWindowS lags the drift a little (0.2 at the end).
    expect(detector.openLevel).toBeLessThan(0.23);
  });

  it('re-baselines after a step down of the open level (leaning back) and keeps counting', () => {
    // At 10 s the open level drops from 0.30 to 0.17 (0.57 × baseline: below closedRatio) and stays.
    const stepMs = 10_000;
    const closures = periodic(1500, 3000, 40_000, 200);
    const { detector, blinks } = run({
      fps: 10,
      durationMs: 40_000,
      openLevel: (t) => (t < stepMs ? 0.3 : 0.17),
      closures,
    });
    const before = closures.filter((c) => c.startMs < stepMs);
    // Blinks in the first 3 s after the step fall inside the low phase being judged: lost.
    const after = closures.filter((c) => c.startMs > stepMs + 3500);
    const found = (list: typeof closures) =>
      list.filter((c) => blinks.some((b) => Math.abs(b.startMs - c.startMs) <= 100)).length;
    expect(found(before)).toBe(before.length);
    expect(found(after)).toBe(after.length);
    expect(blinks.length).toBeLessThanOrEqual(closures.length);
    // The drop was a pose change, not closed eyes.
    expect(detector.eyesClosedMs()).toBe(0);
    expect(detector.openLevel).toBeLessThan(0.2);
  });

  it('counts blinks of a student looking down, whose lids rest below openRatio between them', () => {
    // As on franck's clip at 78-81 s: a blink, then 2.4 s of lids at 0.67 of the open level (inside
    // the closedRatio-openRatio band) with two more blinks in it. Waiting for openRatio made all of
    // it one 2.5 s eyes-closed phase.
    const closures = [10_000, 11_000, 11_600].map((startMs) => ({ startMs, durationMs: 150 }));
    const { detector, blinks } = run({
      fps: 15,
      durationMs: 20_000,
      openLevel: (t) => (t >= 10_150 && t < 12_500 ? 0.2 : 0.3),
      closures,
    });
    expect(blinks.map((b) => b.startMs)).toEqual(
      closures.map((c) => expect.closeTo(c.startMs, -2)),
    );
    for (const blink of blinks) expect(blink.endMs - blink.startMs).toBeLessThanOrEqual(250);
    expect(detector.eyesClosedMs()).toBe(0);
  });

  it('does not take lowered lids alone, or half-opened eyes after a long closure, for blinks', () => {
    // Looking down without blinking: the level steps to 0.6 of the open level for 2 s.
    const down = run({
      fps: 15,
      durationMs: 20_000,
      openLevel: (t) => (t >= 8000 && t < 10_000 ? 0.18 : 0.3),
    });
    expect(down.blinks).toHaveLength(0);
    // Eyes shut for 1.5 s, then drowsy lids at 0.45 of the open level: closed time, no blink.
    const drowsy = run({
      fps: 15,
      durationMs: 20_000,
      openLevel: (t) => (t >= 9500 && t < 11_000 ? 0.135 : 0.3),
      closures: [{ startMs: 8000, durationMs: 1500 }],
    });
    expect(drowsy.blinks).toHaveLength(0);
    expect(drowsy.detector.eyesClosedMs()).toBeGreaterThanOrEqual(2900);
  });

  it('drops a closure interrupted by a gap longer than maxGapMs', () => {
    const blink = defaults('blink');
    // Closed from 5.0 s; no eyes from 5.1 s to 5.1 s + 1.5 × maxGapMs; open afterwards.
    const gapEnd = 5100 + 1.5 * blink.maxGapMs;
    const { detector } = run({
      fps: 10,
      durationMs: 10_000,
      closures: [{ startMs: 5000, durationMs: gapEnd - 5000 }],
      gaps: [{ fromMs: 5100, toMs: gapEnd }],
    });
    expect(detector.count).toBe(0);
    expect(detector.eyesClosedMs()).toBe(0);
  });

  it('does not count a closure seen first right after a gap (its start is unknown)', () => {
    const { detector } = run({
      fps: 10,
      durationMs: 10_000,
      gaps: [{ fromMs: 4000, toMs: 5000 }],
      closures: [{ startMs: 4500, durationMs: 700 }],
    });
    expect(detector.count).toBe(0);
  });

  it('still counts blinks across short gaps while the eyes are open', () => {
    const { detector } = run({
      fps: 10,
      durationMs: 10_000,
      gaps: [{ fromMs: 4000, toMs: 4200 }],
      closures: [{ startMs: 6000, durationMs: 200 }],
    });
    expect(detector.count).toBe(1);
  });

  it('reset zeroes counters but keeps the learned open level', () => {
    const { detector } = run({
      fps: 10,
      durationMs: 10_000,
      closures: periodic(2000, 3000, 10_000, 200),
    });
    expect(detector.count).toBeGreaterThan(0);
    const level = detector.openLevel;
    detector.reset();
    expect(detector.count).toBe(0);
    expect(detector.inWindow(10_000)).toBe(0);
    expect(detector.openLevel).toBe(level);
  });
});

describe('combinedOpenness', () => {
  it('averages agreeing eyes and trusts the more open eye when they disagree', () => {
    expect(combinedOpenness({ left: 0.3, right: 0.28 })).toBeCloseTo(0.29, 6);
    // Head turned: the far eye is foreshortened; a blink would lower the near eye too.
    expect(combinedOpenness({ left: 0.3, right: 0.1 })).toBe(0.3);
    expect(combinedOpenness({ left: Number.NaN, right: 0.25 })).toBe(0.25);
    expect(combinedOpenness({ left: 0, right: 0 })).toBeUndefined();
  });
});
