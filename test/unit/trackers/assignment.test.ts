import { describe, expect, it } from 'vitest';
import { assign } from '../../../src/trackers/assignment.js';
import { mulberry32 } from './support/random.js';

/** Exhaustive reference: most allowed pairs first, then least total cost. */
function bruteForce(costs: number[][]): { pairs: number; total: number } {
  const rows = costs.length;
  const cols = costs[0]?.length ?? 0;
  let best = { pairs: -1, total: Number.POSITIVE_INFINITY };
  const usedCols = new Array<boolean>(cols).fill(false);
  const visit = (row: number, pairs: number, total: number) => {
    if (row === rows) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-9)) {
        best = { pairs, total };
      }
      return;
    }
    visit(row + 1, pairs, total); // row left unmatched
    for (let col = 0; col < cols; col++) {
      const cost = costs[row]?.[col] ?? Number.POSITIVE_INFINITY;
      if (usedCols[col] || !Number.isFinite(cost)) continue;
      usedCols[col] = true;
      visit(row + 1, pairs + 1, total + cost);
      usedCols[col] = false;
    }
  };
  visit(0, 0, 0);
  return best;
}

describe('assign (Hungarian)', () => {
  it('finds the global optimum where greedy on the smallest cost fails', () => {
    // Greedy takes (0,0)=1 and is left with (1,1)=10; the optimum is 2 + 2.
    const pairs = assign([
      [1, 2],
      [2, 10],
    ]);
    expect(pairs.map((p) => [p.row, p.col])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it('never returns forbidden pairs and handles empty input', () => {
    expect(assign([])).toEqual([]);
    expect(assign([[Number.POSITIVE_INFINITY]])).toEqual([]);
  });

  it('matches an exhaustive search on random rectangular matrices with forbidden entries', () => {
    const random = mulberry32(42);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + Math.floor(random() * 5);
      const cols = 1 + Math.floor(random() * 5);
      const costs = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () =>
          random() < 0.25 ? Number.POSITIVE_INFINITY : Math.round(random() * 100) / 10,
        ),
      );
      const pairs = assign(costs);
      const expected = bruteForce(costs);
      expect(pairs.length).toBe(expected.pairs);
      const total = pairs.reduce((sum, p) => sum + p.cost, 0);
      expect(total).toBeCloseTo(expected.total, 6);
      expect(new Set(pairs.map((p) => p.col)).size).toBe(pairs.length);
    }
  });
});
