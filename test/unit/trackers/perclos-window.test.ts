import { describe, expect, it } from 'vitest';
import { PerclosWindow } from '../../../src/trackers/perclos-window.js';

const OPEN_LEVEL = 0.3;
const OPEN = 0.3;
/** 0.05 ≤ 0.2 × 0.3: eyes at least 80 % closed. */
const SHUT = 0.05;
/** 0.12 > 0.2 × 0.3: half-closed eyes are not P80. */
const HALF = 0.12;

describe('PerclosWindow', () => {
  it('is the closed share of a 60 s window at a regular frame rate', () => {
    const window = new PerclosWindow({ windowS: 60, maxGapMs: 400 });
    // 10 fps for 60 s; eyes shut from 20 s to 29 s (9 s): PERCLOS 9 / 60 = 0.15.
    for (let t = 0; t <= 60_000; t += 100) {
      window.push(t, t >= 20_000 && t < 29_000 ? SHUT : OPEN, OPEN_LEVEL);
    }
    expect(window.value(60_000)).toBeCloseTo(0.15, 3);
    expect(window.measuredMs(60_000)).toBe(60_000);
  });

  it('weights frames by the time they stand for, not by their number', () => {
    const window = new PerclosWindow({ windowS: 60, maxGapMs: 400 });
    // Shut frames are followed by 150 ms intervals, open frames by 50 ms: half of the frames but
    // three quarters of the time is shut.
    let t = 0;
    let shut = true;
    while (t < 30_000) {
      window.push(t, shut ? SHUT : OPEN, OPEN_LEVEL);
      t += shut ? 150 : 50;
      shut = !shut;
    }
    window.push(t, OPEN, OPEN_LEVEL);
    expect(window.value(t)).toBeCloseTo(0.75, 3);
  });

  it('counts only eyes at least 80 % closed', () => {
    const window = new PerclosWindow({ windowS: 10, maxGapMs: 400 });
    for (let t = 0; t <= 10_000; t += 100) window.push(t, HALF, OPEN_LEVEL);
    expect(window.value(10_000)).toBe(0);
  });

  it('slides: closures older than the window no longer count', () => {
    const window = new PerclosWindow({ windowS: 10, maxGapMs: 400 });
    for (let t = 0; t <= 30_000; t += 100) window.push(t, t < 5000 ? SHUT : OPEN, OPEN_LEVEL);
    expect(window.value(30_000)).toBe(0);
    expect(window.measuredMs(30_000)).toBe(10_000);
  });

  it('leaves gaps and frames without a baseline out of both sums', () => {
    const window = new PerclosWindow({ windowS: 60, maxGapMs: 400 });
    // 0–10 s open, no eyes 10–40 s, 40–50 s shut: measured 20 s, half of it shut.
    for (let t = 0; t <= 10_000; t += 100) window.push(t, OPEN, OPEN_LEVEL);
    for (let t = 10_100; t < 40_000; t += 100) window.push(t, undefined, OPEN_LEVEL);
    for (let t = 40_000; t <= 50_000; t += 100) window.push(t, SHUT, OPEN_LEVEL);
    window.push(50_100, OPEN, OPEN_LEVEL);
    // Each measured frame stands for the 100 ms until the next frame: 10.1 s + 10.1 s.
    expect(window.measuredMs(50_100)).toBe(20_200);
    expect(window.value(50_100)).toBeCloseTo(0.5, 2);
  });
});
