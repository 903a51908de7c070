import { describe, expect, it } from 'vitest';
import { EXPRESSIONS, type Expression } from '../../../src/pipeline/types.js';
import { ExpressionSmoother } from '../../../src/trackers/expression-smoother.js';
import { defaults } from './support/config.js';
import { mulberry32 } from './support/random.js';

function probs(values: Partial<Record<Expression, number>>): Float32Array {
  const out = new Float32Array(EXPRESSIONS.length);
  EXPRESSIONS.forEach((e, i) => {
    out[i] = values[e] ?? 0;
  });
  return out;
}

describe('ExpressionSmoother', () => {
  it('does not flicker on an alternating noisy sequence', () => {
    const smoother = new ExpressionSmoother({ expression: defaults('expression') });
    const random = mulberry32(5);
    const labels: Expression[] = [];
    // Frame by frame the raw winner alternates between happy and surprised.
    for (let i = 0; i < 120; i++) {
      const jitter = 0.05 * random();
      const frame =
        i % 2 === 0
          ? probs({ happy: 0.55 + jitter, surprised: 0.35, neutral: 0.1 - jitter })
          : probs({ happy: 0.4, surprised: 0.5 + jitter, neutral: 0.1 - jitter });
      labels.push(smoother.push(i * 500, frame).expression);
    }
    const changes = labels.slice(1).filter((label, i) => label !== labels[i]).length;
    expect(changes).toBeLessThanOrEqual(1);
    expect(labels[labels.length - 1]).toBe('happy');
  });

  it('decays by elapsed time, not by frame count', () => {
    const smoother = new ExpressionSmoother({ expression: defaults('expression') });
    const { halfLifeMs } = defaults('expression');
    smoother.push(0, probs({ happy: 1 }));
    // One frame much later: the old one counts 2^-10, so the new one dominates.
    const reading = smoother.push(10 * halfLifeMs, probs({ sad: 1 }));
    expect(reading.expression).toBe('sad');
    expect(reading.confidence).toBeGreaterThan(0.99);
  });

  it('weights two frames one half-life apart 1 : 2', () => {
    const smoother = new ExpressionSmoother({
      expression: defaults('expression', { switchMargin: 0 }),
    });
    const { halfLifeMs } = defaults('expression');
    smoother.push(0, probs({ happy: 1 }));
    const reading = smoother.push(halfLifeMs, probs({ angry: 1 }));
    expect(reading.expression).toBe('angry');
    expect(reading.confidence).toBeCloseTo(1 / 1.5, 6);
  });

  it('reports neutral below minConfidence', () => {
    const smoother = new ExpressionSmoother({
      expression: defaults('expression', { minConfidence: 0.4 }),
    });
    const flat = probs({ happy: 0.3, sad: 0.25, angry: 0.2, neutral: 0.25 });
    expect(smoother.push(0, flat).expression).toBe('neutral');
  });

  it('rejects a vector of the wrong length', () => {
    const smoother = new ExpressionSmoother({ expression: defaults('expression') });
    expect(() => smoother.push(0, new Float32Array(3))).toThrow(/expected 7/);
  });
});
