// Global minimum-cost assignment (Hungarian / Kuhn–Munkres, O(n²·m)). Association is solved for all
// faces at once so that one greedy early choice cannot steal the box another track needed.

/** A pair the solver chose: row index, column index and its cost. */
export interface Pair {
  row: number;
  col: number;
  cost: number;
}

/**
 * Solves min-cost assignment on `costs[row][col]`. Entries that are not finite (Infinity, NaN) are
 * forbidden and never returned. Rows and columns may differ in number; the result maximises the
 * number of allowed pairs first, then minimises their total cost.
 */
export function assign(costs: readonly (readonly number[])[]): Pair[] {
  const rows = costs.length;
  const cols = rows > 0 ? Math.max(...costs.map((row) => row.length)) : 0;
  if (rows === 0 || cols === 0) return [];
  const at = (r: number, c: number): number => costs[r]?.[c] ?? Number.POSITIVE_INFINITY;
  let finiteMax = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = at(r, c);
      if (Number.isFinite(v)) finiteMax = Math.max(finiteMax, Math.abs(v));
    }
  // Forbidden pairs get a cost larger than any sum of allowed ones, so the solver avoids them
  // whenever it can; they are filtered out afterwards.
  const forbidden = (finiteMax + 1) * (rows + cols + 1);
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const cost = (i: number, j: number): number => {
    const v = transpose ? at(j, i) : at(i, j);
    return Number.isFinite(v) ? v : forbidden;
  };
  const matchOfCol = solve(n, m, cost);
  const pairs: Pair[] = [];
  for (let j = 0; j < m; j++) {
    const i = matchOfCol[j] ?? -1;
    if (i < 0) continue;
    const row = transpose ? j : i;
    const col = transpose ? i : j;
    const v = at(row, col);
    if (Number.isFinite(v)) pairs.push({ row, col, cost: v });
  }
  return pairs.sort((a, b) => a.row - b.row);
}

/** Classic potentials formulation for n ≤ m; returns for each column its row, or -1. */
function solve(n: number, m: number, cost: (i: number, j: number) => number): number[] {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) matched to column j; 0 = none
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0] ?? 0;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost(i0 - 1, j - 1) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Number.POSITIVE_INFINITY)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Number.POSITIVE_INFINITY) < delta) {
          delta = minv[j] ?? Number.POSITIVE_INFINITY;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const row = p[j] ?? 0;
          u[row] = (u[row] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? 0) - delta;
        }
      }
      j0 = j1;
    } while ((p[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      p[j0] = p[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  const matchOfCol: number[] = new Array(m).fill(-1);
  for (let j = 1; j <= m; j++) {
    const row = p[j] ?? 0;
    if (row > 0) matchOfCol[j - 1] = row - 1;
  }
  return matchOfCol;
}
