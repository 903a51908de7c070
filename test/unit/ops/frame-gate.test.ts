import { describe, expect, it } from 'vitest';
import { FrameGate } from '../../../src/ops/frame-gate.js';

function admitted(gate: FrameGate, frames: number, fpsScale: number): boolean[] {
  return Array.from({ length: frames }, () => gate.admit(fpsScale));
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
    const gate = new FrameGate();
    const pattern = admitted(gate, 40, 0.75);
    for (let i = 1; i < pattern.length; i++) {
      expect(pattern[i - 1] === false && pattern[i] === false).toBe(false);
    }
    const half = admitted(new FrameGate(), 40, 0.5);
    for (let i = 1; i < half.length; i++) expect(half[i]).not.toBe(half[i - 1]);
  });

  it('does not release a burst when the level returns to full rate and drops again', () => {
    const gate = new FrameGate();
    admitted(gate, 10, 0.5);
    admitted(gate, 10, 1);
    const after = admitted(gate, 4, 0.5);
    expect(after.filter(Boolean).length).toBe(2);
  });
});
