// One simulated class: students whose signals drift like the trackers report them, with the churn
// rates the publisher's byte budget is sized for (docs/mqtt.md: blinking 18/min, 3 head turns/min,
// 2 expression changes/min; assumptions, not measurements), a few turning tired or looking around.
// Stepped once per publisher tick for the whole class, never a timer per student.
import type { AlertKind, ClassSummary, StudentSignals } from '../../src/events/types.js';
import { EXPRESSIONS } from '../../src/pipeline/types.js';
import { summarise } from '../../src/trackers/classroom.js';

/** Events per minute per student. */
const RATES = { blinks: 18, turns: 3, expressions: 2, tiredFlips: 0.2, lookingFlips: 0.5 };

export interface StudentSim {
  id: string;
  signals: StudentSignals;
}

export interface StepResult {
  /** Students whose tired or looking-around flag turned on in this step. */
  alerts: Array<{ student: string; alert: AlertKind; reason: string }>;
}

/** A small, seedable generator: runs are repeatable and cost nothing. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export class ClassModel {
  readonly students: StudentSim[];
  private readonly random: () => number;

  constructor(options: { students: number; seed: number }) {
    this.random = prng(options.seed);
    this.students = Array.from({ length: options.students }, (_, i) => ({
      id: `anon-${i + 1}`,
      signals: initialSignals(this.random),
    }));
  }

  /** Advances every student by `dtMs`. */
  step(dtMs: number): StepResult {
    const perMin = dtMs / 60_000;
    const r = this.random;
    const alerts: StepResult['alerts'] = [];
    for (const { id, signals: s } of this.students) {
      s.yawDeg = clamp(s.yawDeg + (r() - 0.5) * 6, -70, 70);
      s.pitchDeg = clamp(s.pitchDeg + (r() - 0.5) * 3, -30, 30);
      s.rollDeg = clamp(s.rollDeg + (r() - 0.5) * 2, -20, 20);
      if (s.eyesMeasurable) {
        s.perclos = clamp((s.perclos ?? 0) + (r() - 0.5) * 0.01, 0, 1);
        s.blinkRatePerMin = clamp((s.blinkRatePerMin ?? 16) + (r() - 0.5), 5, 40);
        if (r() < RATES.blinks * perMin) s.blinks = (s.blinks ?? 0) + 1;
      }
      if (r() < RATES.turns * perMin) {
        s.turns += 1;
        s.turnsInWindow = Math.min(s.turnsInWindow + 1, 9);
      }
      if (r() < RATES.expressions * perMin) {
        s.expression = pick(EXPRESSIONS, r);
        s.expressionConfidence = 0.5 + r() * 0.5;
      }
      if (r() < RATES.tiredFlips * perMin) {
        s.tired = !s.tired;
        if (s.tired) alerts.push({ student: id, alert: 'tired', reason: 'PERCLOS 0.21' });
      }
      if (r() < RATES.lookingFlips * perMin) {
        s.lookingAround = !s.lookingAround;
        s.turnedAway = s.lookingAround && Math.abs(s.yawDeg) > 35;
        if (s.lookingAround)
          alerts.push({ student: id, alert: 'looking-around', reason: `${s.turnsInWindow} turns` });
      }
    }
    return { alerts };
  }

  summary(): ClassSummary {
    return summarise(this.students.map((s) => s.signals));
  }
}

function initialSignals(r: () => number): StudentSignals {
  // Back-row faces too small for eye measurements report their eye values as unknown (null).
  const eyes = r() > 0.15;
  return {
    eyesMeasurable: eyes,
    blinks: eyes ? 0 : null,
    blinkRatePerMin: eyes ? 16 : null,
    perclos: eyes ? 0.05 : null,
    eyesClosedMs: eyes ? 0 : null,
    turns: 0,
    turnsInWindow: 0,
    yawDeg: (r() - 0.5) * 40,
    pitchDeg: (r() - 0.5) * 10,
    rollDeg: 0,
    expression: 'neutral',
    expressionConfidence: 0.8,
    tired: false,
    lookingAround: false,
    turnedAway: false,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function pick<T>(items: readonly T[], r: () => number): T {
  return items[Math.floor(r() * items.length)] ?? (items[0] as T);
}
