// Expression scores arrive every few hundred ms and jump around; a time-decayed average with a
// switching margin gives a label that changes when the face does, not when the model hesitates.
import type { Config } from '../config/schema.js';
import { EXPRESSIONS, type Expression } from '../pipeline/types.js';

export interface ExpressionReading {
  expression: Expression;
  /** Smoothed probability of `expression`, 0..1. */
  confidence: number;
}

export interface ExpressionSmootherOptions {
  expression: Config['expression'];
}

export class ExpressionSmoother {
  private readonly config: Config['expression'];
  private readonly sums = new Float64Array(EXPRESSIONS.length);
  private weight = 0;
  private lastMs: number | undefined;
  private label: Expression = 'neutral';

  constructor(options: ExpressionSmootherOptions) {
    this.config = options.expression;
  }

  /** Adds one probability vector (EXPRESSIONS order). Older ones decay by elapsed time. */
  push(tMs: number, probabilities: Float32Array): ExpressionReading {
    if (probabilities.length !== EXPRESSIONS.length) {
      throw new Error(
        `expression vector has ${probabilities.length} scores, expected ${EXPRESSIONS.length}`,
      );
    }
    const elapsedMs = this.lastMs === undefined ? 0 : Math.max(0, tMs - this.lastMs);
    const decay = this.config.halfLifeMs > 0 ? 0.5 ** (elapsedMs / this.config.halfLifeMs) : 0;
    for (let i = 0; i < this.sums.length; i++) {
      this.sums[i] = (this.sums[i] ?? 0) * decay + (probabilities[i] ?? 0);
    }
    this.weight = this.weight * decay + 1;
    this.lastMs = tMs;
    this.label = this.choose();
    return this.reading();
  }

  reading(): ExpressionReading {
    const index = EXPRESSIONS.indexOf(this.label);
    return { expression: this.label, confidence: this.mean(index) };
  }

  private mean(index: number): number {
    return this.weight > 0 ? (this.sums[index] ?? 0) / this.weight : 0;
  }

  private choose(): Expression {
    let best = 0;
    for (let i = 1; i < EXPRESSIONS.length; i++) if (this.mean(i) > this.mean(best)) best = i;
    const candidate = EXPRESSIONS[best] ?? 'neutral';
    const { minConfidence, switchMargin } = this.config;
    const current = this.mean(EXPRESSIONS.indexOf(this.label));
    // Both the label and the confidence floor have hysteresis of switchMargin.
    if (candidate === this.label) {
      return current >= minConfidence - switchMargin ? this.label : 'neutral';
    }
    if (this.mean(best) >= minConfidence && this.mean(best) - current >= switchMargin) {
      return candidate;
    }
    if (this.label !== 'neutral' && current < minConfidence - switchMargin) return 'neutral';
    return this.label;
  }
}
