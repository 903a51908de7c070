import { describe, expect, it } from 'vitest';
import { EyeSignalQuality } from '../../../src/trackers/eye-signal-quality.js';
import { eyeFrames, periodic } from './support/eye-signals.js';

/** Feeds combined openness at 15 fps; returns the verdict after each frame. */
function verdicts(values: Array<number | undefined>, openLevel?: number): boolean[] {
  const quality = new EyeSignalQuality(400);
  return values.map((value, i) => {
    quality.push(Math.round((i * 1000) / 15), value, openLevel);
    return quality.steady;
  });
}

const meanOf = (frames: ReturnType<typeof eyeFrames>) =>
  frames.map((f) => (f.eyes ? (f.eyes.left + f.eyes.right) / 2 : undefined));

describe('EyeSignalQuality', () => {
  it('has no verdict before a second of readings, then finds blinking eyes steady', () => {
    const frames = eyeFrames({
      fps: 15,
      durationMs: 30_000,
      closures: periodic(500, 3000, 30_000, 200),
    });
    const steady = verdicts(meanOf(frames));
    expect(steady.slice(0, 14).every((s) => !s)).toBe(true);
    expect(steady.slice(16).every((s) => s)).toBe(true);
  });

  it('finds eyes that jump between two readings on alternate frames unsteady', () => {
    // The classroom clip's looking-down student: 0.10 and 0.23 on alternate frames of a still face.
    const flicker = Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? 0.23 : 0.1));
    const steady = verdicts(flicker);
    expect(steady.some((s) => s)).toBe(false);
  });

  it('judges long closures against the open-eye level, not their own low reading', () => {
    // Eyes shut with ordinary landmark noise: a large share of 0.045, a small one of 0.3.
    const frames = eyeFrames({
      fps: 15,
      durationMs: 10_000,
      closures: periodic(0, 20_000, 10_000, 10_000),
    });
    expect(verdicts(meanOf(frames), 0.3).at(-1)).toBe(true);
  });

  it('recovers once the readings settle', () => {
    const flicker = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 0.23 : 0.1));
    const settled = new Array<number>(60).fill(0.3);
    const steady = verdicts([...flicker, ...settled]);
    expect(steady[59]).toBe(false);
    expect(steady.at(-1)).toBe(true);
  });
});
