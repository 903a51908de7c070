// Turns observed activation statistics into the [low, high] range each tensor is quantised over.
// min-max keeps every value; percentile clips rare outliers (more resolution for the bulk);
// entropy picks the clip that minimises KL divergence between the fp32 and the 8-bit histogram.
import type { TensorStats } from './range-collector.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy';

export interface TensorRange {
  low: number;
  high: number;
}

export interface CalibrationChoice {
  method: CalibrationMethod;
  /** Kept share of values for 'percentile', e.g. 99.99. */
  percentile?: number;
}

export function needsHistogram(choice: CalibrationChoice): boolean {
  return choice.method !== 'minmax';
}

export function rangeFor(stats: TensorStats, choice: CalibrationChoice): TensorRange {
  const { min, max, histogram } = stats;
  if (choice.method === 'minmax' || !histogram || max <= min) return { low: min, high: max };
  if (choice.method === 'percentile') {
    return percentileRange(stats, histogram, choice.percentile ?? 99.99);
  }
  return entropyRange(stats, histogram);
}

function percentileRange(stats: TensorStats, histogram: Float64Array, percentile: number) {
  const total = histogram.reduce((a, b) => a + b, 0);
  const binWidth = (stats.max - stats.min) / histogram.length;
  const tail = (total * (100 - percentile)) / 100;
  // Clip each side separately: ReLU outputs have no low tail and must keep low = min.
  let seen = 0;
  let lowBin = 0;
  while (lowBin < histogram.length - 1 && seen + (histogram[lowBin] ?? 0) <= tail) {
    seen += histogram[lowBin] ?? 0;
    lowBin++;
  }
  seen = 0;
  let highBin = histogram.length - 1;
  while (highBin > lowBin && seen + (histogram[highBin] ?? 0) <= tail) {
    seen += histogram[highBin] ?? 0;
    highBin--;
  }
  return { low: stats.min + lowBin * binWidth, high: stats.min + (highBin + 1) * binWidth };
}

/**
 * KL-divergence threshold search (the TensorRT method) on the side of zero that holds the larger
 * magnitude; the other side is scaled by the same ratio so the zero point stays where it was.
 */
function entropyRange(stats: TensorStats, histogram: Float64Array): TensorRange {
  const bins = histogram.length;
  const binWidth = (stats.max - stats.min) / bins;
  const zeroBin = Math.min(bins, Math.max(0, Math.round(-stats.min / binWidth)));
  const positive = histogram.slice(zeroBin);
  const negative = histogram.slice(0, zeroBin).reverse();
  const side = sum(positive) >= sum(negative) ? positive : negative;
  // Exact zeros (ReLU's dead half) are exact in 8 bits at any clip; left in, their spike makes
  // the search favour absurdly tight clips.
  side[0] = 0;
  const levels = 128;
  if (side.length <= levels) return { low: stats.min, high: stats.max };
  let bestKeep = side.length;
  let bestDivergence = Number.POSITIVE_INFINITY;
  const step = Math.max(1, Math.floor((side.length - levels) / 256));
  for (let keep = levels; keep <= side.length; keep += step) {
    const divergence = clippedDivergence(side, keep, levels);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestKeep = keep;
    }
  }
  const ratio = bestKeep / side.length;
  return { low: stats.min * ratio, high: stats.max * ratio };
}

function clippedDivergence(side: Float64Array, keep: number, levels: number): number {
  const reference = side.slice(0, keep);
  let outliers = 0;
  for (let i = keep; i < side.length; i++) outliers += side[i] ?? 0;
  reference[keep - 1] = (reference[keep - 1] ?? 0) + outliers;
  const candidate = new Float64Array(keep);
  const perLevel = keep / levels;
  for (let level = 0; level < levels; level++) {
    const start = Math.floor(level * perLevel);
    const end = level === levels - 1 ? keep : Math.floor((level + 1) * perLevel);
    let mass = 0;
    let nonZero = 0;
    for (let i = start; i < end; i++) {
      mass += side[i] ?? 0;
      if ((side[i] ?? 0) > 0) nonZero++;
    }
    for (let i = start; i < end; i++) {
      if ((side[i] ?? 0) > 0) candidate[i] = mass / nonZero;
    }
  }
  return klDivergence(reference, candidate);
}

function klDivergence(p: Float64Array, q: Float64Array): number {
  const pSum = sum(p);
  const qSum = sum(q);
  if (pSum === 0 || qSum === 0) return Number.POSITIVE_INFINITY;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] ?? 0) / pSum;
    if (pi === 0) continue;
    const qi = (q[i] ?? 0) / qSum;
    divergence += qi === 0 ? pi * 20 : pi * Math.log(pi / qi);
  }
  return divergence;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
