// How a frame's faces are split into model runs: consecutive, near-equal batches, at least one per
// pool worker (runs overlap) and at most MAX_BATCH_FACES faces each. Batched runs cost less per
// face than single ones, but onnxruntime keeps each session's largest activations in its arena:
// a 30-face FaceMesh batch held well over 100 MB per worker. Small batches bound that and let the
// main thread cut the next batch's crops while a worker runs the last one.

/** The most faces in one model run (see above; docs/performance.md has the measurement). */
const MAX_BATCH_FACES = 8;

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
