// Frame-to-track association: claims first, then a global assignment on motion + appearance, then
// an identity check for tracks whose assignment was in doubt; and re-identification of new faces
// with tracks that are not seen now, by embedding alone (boxes say nothing once a student left).
import type { Box, Observation } from '../pipeline/types.js';
import { assign } from './assignment.js';
import { iou, predict } from './box-geometry.js';
import type { TrackRecord } from './track-record.js';

/** Predictions are not extrapolated further than this: a coasting face stops where it was heading. */
const MAX_PREDICT_MS = 1000;
/** A swap is applied only when it improves the summed embedding distance by at least this much. */
const SWAP_MARGIN = 0.1;

interface Match {
  record: TrackRecord;
  observation: Observation;
}

export interface AssociationOptions {
  minIou: number;
  reidMaxDistance: number;
}

export interface Association {
  matches: Match[];
  /** Observations that continue no track (candidates for re-identification or new tracks). */
  unmatched: Observation[];
}

export function predictedBox(record: TrackRecord, tMs: number): Box {
  const dtMs = Math.min(MAX_PREDICT_MS, Math.max(0, tMs - record.lastSeenMs));
  return predict(record.box, record.velocity, dtMs);
}

/** Motion + appearance cost of giving `observation` to `record`; Infinity when gated out. */
function pairCost(
  record: TrackRecord,
  observation: Observation,
  tMs: number,
  options: AssociationOptions,
): number {
  const overlap = iou(predictedBox(record, tMs), observation.box);
  if (overlap < options.minIou) return Number.POSITIVE_INFINITY;
  const distance = observation.embedding
    ? record.gallery.distance(observation.embedding)
    : undefined;
  // Without both embeddings, appearance neither helps nor hurts: charge half the re-id threshold,
  // a plausible same-person distance, so pairs with a known good match still win.
  const appearance = distance ?? options.reidMaxDistance / 2;
  return 1 - overlap + appearance;
}

export function associate(
  records: readonly TrackRecord[],
  observations: readonly Observation[],
  tMs: number,
  options: AssociationOptions,
): Association {
  const byId = new Map(records.map((record) => [record.id, record]));
  const claims = new Map<TrackRecord, Observation[]>();
  const pool: Observation[] = [];
  for (const observation of observations) {
    const record = observation.trackId ? byId.get(observation.trackId) : undefined;
    if (!record) {
      pool.push(observation);
      continue;
    }
    const list = claims.get(record) ?? [];
    list.push(observation);
    claims.set(record, list);
  }

  const matches: Match[] = [];
  for (const [record, claimants] of claims) {
    // Two observations claiming one track: the one nearer the prediction keeps it, the other
    // competes like a fresh detection.
    const predicted = predictedBox(record, tMs);
    const ranked = [...claimants].sort((a, b) => iou(predicted, b.box) - iou(predicted, a.box));
    const [winner, ...losers] = ranked;
    if (winner) matches.push({ record, observation: winner });
    pool.push(...losers);
  }

  const free = records.filter((record) => !claims.has(record));
  const costs = free.map((record) =>
    pool.map((observation) => pairCost(record, observation, tMs, options)),
  );
  const taken = new Set<number>();
  for (const pair of assign(costs)) {
    const record = free[pair.row];
    const observation = pool[pair.col];
    if (!record || !observation) continue;
    matches.push({ record, observation });
    taken.add(pair.col);
  }
  const unmatched = pool.filter((_, index) => !taken.has(index));
  return settleIdentities(matches, unmatched, options.reidMaxDistance);
}

/**
 * Contested tracks (another face overlapped them, or their box jumped) that now bring an embedding
 * are checked against their own appearance: swapped pairs are swapped back, and a face that is
 * clearly somebody else is detached from the track (it becomes a new or re-identified track
 * instead). A track that was only missing for a while is not contested: the face that came back
 * where it was heading is kept even when its embedding is far (a turned head, a half-covered face).
 */
function settleIdentities(
  matches: Match[],
  unmatched: Observation[],
  reidMaxDistance: number,
): Association {
  const doubtful = matches.filter(
    (m) =>
      m.record.contested &&
      !m.record.overlapping &&
      m.observation.embedding &&
      m.record.gallery.size > 0,
  );
  if (doubtful.length >= 2) {
    const distance = (record: TrackRecord, observation: Observation): number =>
      observation.embedding
        ? (record.gallery.distance(observation.embedding) ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
    const costs = doubtful.map((m) => doubtful.map((n) => distance(m.record, n.observation)));
    const current = costs.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
    const best = assign(costs);
    const bestTotal = best.reduce((sum, pair) => sum + pair.cost, 0);
    if (best.length === doubtful.length && bestTotal < current - SWAP_MARGIN) {
      const observationsBefore = doubtful.map((m) => m.observation);
      for (const pair of best) {
        const match = doubtful[pair.row];
        const observation = observationsBefore[pair.col];
        if (match && observation) match.observation = observation;
      }
    }
  }
  const kept: Match[] = [];
  const detached: Observation[] = [];
  for (const match of matches) {
    const { record, observation } = match;
    const distance =
      record.contested && !record.overlapping && observation.embedding
        ? record.gallery.distance(observation.embedding)
        : undefined;
    if (distance !== undefined && distance > reidMaxDistance) detached.push(observation);
    else kept.push(match);
  }
  return { matches: kept, unmatched: [...unmatched, ...detached] };
}

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
