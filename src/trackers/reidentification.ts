// Matching new faces to tracks that are currently not seen, by embedding distance alone (their boxes
// say nothing once a student has left and come back).
import { assign } from './assignment.js';
import type { TrackRecord } from './track-record.js';

export interface Reidentification {
  newcomer: TrackRecord;
  returning: TrackRecord;
}

/** Globally best pairs with distance ≤ `maxDistance`; newcomers without an embedding are skipped. */
export function reidentify(
  newcomers: readonly TrackRecord[],
  absent: readonly TrackRecord[],
  maxDistance: number,
): Reidentification[] {
  const candidates = newcomers.filter((record) => record.current?.embedding);
  if (candidates.length === 0 || absent.length === 0) return [];
  const costs = candidates.map((newcomer) =>
    absent.map((returning) => {
      const embedding = newcomer.current?.embedding;
      const distance = embedding ? returning.gallery.distance(embedding) : undefined;
      return distance !== undefined && distance <= maxDistance
        ? distance
        : Number.POSITIVE_INFINITY;
    }),
  );
  const out: Reidentification[] = [];
  for (const pair of assign(costs)) {
    const newcomer = candidates[pair.row];
    const returning = absent[pair.col];
    if (newcomer && returning) out.push({ newcomer, returning });
  }
  return out;
}
