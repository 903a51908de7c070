// A complete StudentSignals for tests that need one; override what the test is about.
import type { StudentSignals } from '../../src/events/types.js';

export function signals(overrides: Partial<StudentSignals> = {}): StudentSignals {
  return {
    eyesMeasurable: true,
    blinks: 0,
    blinkRatePerMin: 0,
    perclos: 0,
    eyesClosedMs: 0,
    turns: 0,
    turnsInWindow: 0,
    yawDeg: 0,
    pitchDeg: 0,
    rollDeg: 0,
    expression: 'neutral',
    expressionConfidence: 0.9,
    tired: false,
    lookingAround: false,
    turnedAway: false,
    ...overrides,
  };
}
