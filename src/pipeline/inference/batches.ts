// How a frame's faces are split into model runs: consecutive, near-equal batches, at least one per
// pool worker (runs overlap) and at most MAX_BATCH_FACES faces each. Small batches are faster per
// face here, not slower: a FaceMesh batch's activations outgrow the core's cache (the first conv
// alone is 0.6 MB per face at 192 px), so FaceMesh + iris cost 3.5 ms per face one face at a time
// and 4.9 ms in batches of 8 (one thread, this machine's 4 MB L2). onnxruntime's arena also keeps
// each session's largest activations for good, so small batches hold less memory. One face per
// run costs the main thread a post per face, so two per run is the fastest in the pool.

/** The most faces in one model run (see above; docs/performance.md has the measurement). */
const MAX_BATCH_FACES = 2;

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

/** A frame's faces as model runs: one per worker at least, none over `maxBatch` faces. */
export function faceBatches<T>(
  items: readonly T[],
  parallelism: number,
  maxBatch = MAX_BATCH_FACES,
): T[][] {
  return splitEvenly(items, Math.max(parallelism, Math.ceil(items.length / maxBatch)));
}

/**
 * Starts `start(item)` for each item in order, letting the event loop run between two starts, and
 * resolves with every result. Each start cuts its crops synchronously before handing them to a
 * worker: started all at once, a frame's batches would hold the main thread for their sum.
 */
export async function startInTurn<T, R>(
  items: readonly T[],
  start: (item: T) => Promise<R>,
): Promise<R[]> {
  const running: Array<Promise<R>> = [];
  for (const [i, item] of items.entries()) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const result = start(item);
    // Settled in Promise.all below; a batch failing while later ones start is not unhandled.
    result.catch(() => undefined);
    running.push(result);
  }
  return Promise.all(running);
}
