import { describe, expect, it } from 'vitest';
import { FrameGate } from '../../../src/ops/frame-gate.js';

const OFFERED_MS = 1000 / 15;

/** Every offered frame of a 15 fps source taken in turn: a pipeline that keeps up. */
function admitted(gate: FrameGate, frames: number, fpsScale: number, from = 0): boolean[] {
  return Array.from({ length: frames }, (_, i) =>
    gate.admit((from + i) * OFFERED_MS, fpsScale, OFFERED_MS),
  );
}

/**
 * A pipeline that takes `frameMs` per processed frame behind a newest-frame-wins slot: after each
 * frame it takes the newest offered one (a skipped frame costs nothing). Frames processed per s.
 */
function processedPerS(gate: FrameGate, fpsScale: number, frameMs: number, seconds = 20): number {
  let processed = 0;
  let taken = -1;
  let freeAtMs = 0;
  while (freeAtMs < seconds * 1000) {
    // The newest frame offered by the time the pipeline is free, or the next one to come.
    const index = Math.max(taken + 1, Math.floor(freeAtMs / OFFERED_MS));
    const tMs = index * OFFERED_MS;
    freeAtMs = Math.max(freeAtMs, tMs);
    taken = index;
    if (gate.admit(tMs, fpsScale, OFFERED_MS)) {
      processed++;
      freeAtMs += frameMs;
    }
  }
  return processed / seconds;
}

describe('FrameGate', () => {
  it.each([
    { fpsScale: 1, kept: 200 },
    { fpsScale: 0.75, kept: 150 },
    { fpsScale: 0.5, kept: 100 },
  ])('keeps $kept of 200 frames at fpsScale $fpsScale', ({ fpsScale, kept }) => {
    const gate = new FrameGate();
    const passed = admitted(gate, 200, fpsScale).filter(Boolean).length;
    expect(Math.abs(passed - kept)).toBeLessThanOrEqual(1);
    expect(gate.skipped).toBe(200 - passed);
  });

  it('spreads the frames it drops: never two in a row above half rate', () => {
    const pattern = admitted(new FrameGate(), 40, 0.75);
    for (let i = 1; i < pattern.length; i++) {
      expect(pattern[i - 1] === false && pattern[i] === false).toBe(false);
    }
    const half = admitted(new FrameGate(), 40, 0.5);
    for (let i = 1; i < half.length; i++) expect(half[i]).not.toBe(half[i - 1]);
  });

  it('does not release a burst when the level returns to full rate and drops again', () => {
    const gate = new FrameGate();
    admitted(gate, 10, 0.5);
    admitted(gate, 10, 1, 10);
    const after = admitted(gate, 4, 0.5, 20);
    expect(after.filter(Boolean).length).toBe(2);
  });

  it('holds back nothing from a pipeline already slower than the reduced rate', () => {
    // 86 ms a frame (11.6 frames/s, the 30-face daemon here) against 75 % of 15 fps (11.25):
    // a count gate dropped a quarter of the frames such a pipeline took (8.7 frames/s).
    expect(processedPerS(new FrameGate(), 1, 86)).toBeCloseTo(
      processedPerS(new FrameGate(), 0.75, 86),
      0,
    );
    expect(processedPerS(new FrameGate(), 0.75, 86)).toBeGreaterThan(11);
    // A fast pipeline is held to the reduced rate.
    expect(processedPerS(new FrameGate(), 0.75, 20)).toBeCloseTo(11.25, 0);
    expect(processedPerS(new FrameGate(), 0.5, 20)).toBeCloseTo(7.5, 0);
  });
});
