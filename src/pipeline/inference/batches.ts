// How a frame's faces are split over the pool's workers: consecutive, near-equal batches, so each
// worker gets one model run per stage (batched runs cost less per face than single ones).

/** `items` in at most `parts` consecutive runs of near-equal length, order kept; none if empty. */
export function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(Math.floor(parts), items.length));
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n && start < items.length; i++) {
    const end = start + Math.ceil((items.length - start) / (n - i));
    out.push(items.slice(start, end));
    start = end;
  }
  return out;
}
