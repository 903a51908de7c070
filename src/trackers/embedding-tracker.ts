// Keeps face identities across frames: association, re-identification of returning faces by
// embedding, lost/expired bookkeeping, and hints that tell the pipeline which work each track needs.
import type { Config } from '../config/schema.js';
import type { EventOf } from '../events/types.js';
import type { Box, Observation, TrackHint } from '../pipeline/types.js';
import { type Association, associate, predictedBox, reidentify } from './association.js';
import {
  blendVelocity,
  iou,
  overlapOfSmaller,
  relativeShift,
  roundBox,
  ZERO_VELOCITY,
} from './box-geometry.js';
import { newRecord, type TrackRecord } from './track-record.js';

/** A face moved by more than half its size against the prediction: the match may be wrong. */
const JUMP_SHIFT = 0.5;
/** Boxes of two faces overlapping at least this much: one occludes the other. */
const OVERLAP_IOU = 0.05;
/**
 * An unmatched observation with this share of the smaller box on a face seen now is that face
 * measured twice (IoU ≥ 0.5, the earlier rule, implies it).
 */
const DUPLICATE_OVERLAP = 0.5;
/** Weight of the newest velocity measurement. */
const VELOCITY_WEIGHT = 0.5;

export interface EmbeddingTrackerOptions {
  tracking: Config['tracking'];
  expression: Config['expression'];
}

/** Read-only view of a confirmed track. */
export interface TrackView {
  id: string;
  box: Box;
  lastSeenMs: number;
  lost: boolean;
}

/**
 * What one update did with the observations and the tracks, so that whoever keeps per-track state
 * (identity, the pipeline's face memory, the publisher) follows the tracker instead of guessing.
 */
export interface TrackAssociations {
  /**
   * Observation index → the track it went to, by its id after this update. `confirmed` is false for
   * a tentative (pending-N) track; an observation dropped as a duplicate of a seen face is absent.
   */
  observed: Array<{ index: number; trackId: string; confirmed: boolean }>;
  /** Tracks confirmed in this update (new anon-N ids). */
  born: string[];
  lost: string[];
  /** Lost tracks that came back (by embedding) under their old id. */
  reidentified: string[];
  /** A tentative id that became a confirmed one: a new anon-N, or a returning track's id. */
  renamed: Array<{ from: string; to: string }>;
  /**
   * Ids that will never be seen again: expired tracks, tentative faces dropped as false detections
   * and renamed tentative ids. Per-track state keyed by them can go.
   */
  ended: string[];
}

export interface TrackerUpdate {
  events: EventOf<'track'>[];
  /** The observation attributed to each confirmed track seen in this update. */
  matches: Array<{ trackId: string; observation: Observation }>;
  associations: TrackAssociations;
}

export class EmbeddingTracker {
  private readonly tracking: Config['tracking'];
  private readonly expression: Config['expression'];
  private records: TrackRecord[] = [];
  private nextAnon = 1;
  private nextPending = 1;

  constructor(options: EmbeddingTrackerOptions) {
    this.tracking = options.tracking;
    this.expression = options.expression;
  }

  update(observations: readonly Observation[], tMs: number): TrackerUpdate {
    const events: EventOf<'track'>[] = [];
    const ended: string[] = [];
    const renamed: TrackAssociations['renamed'] = [];
    for (const record of this.records) record.current = undefined;
    // Time may have passed without updates: a face unseen for lostAfterMs must not be continued by
    // whatever now stands where it was predicted; it can only come back through its embedding.
    this.markLost(tMs, events, ended);
    const live = this.records.filter((record) => !record.lost);

    const association = associate(live, observations, tMs, this.tracking);
    for (const { record, observation } of association.matches) this.apply(record, observation, tMs);
    for (const record of live) if (!record.current) record.missed += 1;
    this.addTentative(association, tMs);
    this.resolveTentative(tMs, events, renamed);
    this.markOverlaps();
    this.expire(tMs, events);

    const matches = this.records
      .filter((record) => record.confirmed && record.current)
      .map((record) => ({ trackId: record.id, observation: record.current as Observation }));
    const indexOf = new Map(observations.map((observation, index) => [observation, index]));
    const observed: TrackAssociations['observed'] = [];
    for (const record of this.records) {
      const index = record.current && indexOf.get(record.current);
      if (index !== undefined)
        observed.push({ index, trackId: record.id, confirmed: record.confirmed });
    }
    const changed = (change: EventOf<'track'>['change']) =>
      events.filter((event) => event.change === change).map((event) => event.track);
    ended.push(...renamed.map((r) => r.from), ...changed('expired'));
    const associations: TrackAssociations = {
      observed,
      born: changed('born'),
      lost: changed('lost'),
      reidentified: changed('reidentified'),
      renamed,
      ended,
    };
    return { events, matches, associations };
  }

  hints(tMs: number): TrackHint[] {
    return this.records
      .filter((record) => !record.lost)
      .map((record) => ({
        id: record.id,
        box: roundBox(predictedBox(record, tMs)),
        needsEmbedding: this.needsEmbedding(record, tMs),
        needsExpression:
          record.confirmed &&
          this.expression.enabled &&
          (record.expressionMs === undefined ||
            tMs - record.expressionMs >= this.expression.intervalMs),
      }));
  }

  tracks(): TrackView[] {
    return this.records
      .filter((record) => record.confirmed)
      .map((record) => ({
        id: record.id,
        box: { ...record.box },
        lastSeenMs: record.lastSeenMs,
        lost: record.lost,
      }));
  }

  private needsEmbedding(record: TrackRecord, tMs: number): boolean {
    // A first embedding, even of a partly covered face, beats none (neighbours may overlap for good).
    if (record.gallery.size === 0) return true;
    // While two faces overlap an embedding would mix them: wait until they separate.
    if (record.overlapping) return false;
    if (record.uncertain) return true;
    return (
      record.embeddingMs === undefined ||
      tMs - record.embeddingMs >= this.tracking.embeddingRefreshMs
    );
  }

  private apply(record: TrackRecord, observation: Observation, tMs: number): void {
    const dtMs = tMs - record.lastSeenMs;
    const predicted = predictedBox(record, tMs);
    if (relativeShift(predicted, observation.box) > JUMP_SHIFT) {
      record.uncertain = true;
      record.contested = true;
      record.velocity = ZERO_VELOCITY;
    } else {
      record.velocity = blendVelocity(
        record.velocity,
        record.box,
        observation.box,
        dtMs,
        VELOCITY_WEIGHT,
      );
    }
    // Back after an occlusion or a detector miss where it was heading: the same face, perhaps in a
    // pose the gallery lacks. Its next embedding joins the gallery; it does not judge the face
    // (a face back from a turn measured farther than reidMaxDistance from its own frontal views).
    if (record.missed > 0) record.uncertain = true;
    record.box = { ...observation.box };
    record.lastSeenMs = tMs;
    record.missed = 0;
    record.current = observation;
    if (observation.expression) record.expressionMs = tMs;
    if (observation.embedding && (!record.overlapping || record.gallery.size === 0)) {
      // settleIdentities already detached faces that do not match, so this one confirms the track.
      record.gallery.add(observation.embedding);
      record.embeddingMs = tMs;
      record.uncertain = false;
      record.contested = false;
    }
  }

  private markLost(tMs: number, events: EventOf<'track'>[], ended: string[]): void {
    for (const record of this.records) {
      if (record.lost || tMs - record.lastSeenMs < this.tracking.lostAfterMs) continue;
      if (!record.confirmed) {
        // A tentative face that vanished before getting an id was most likely a false detection.
        this.records = this.records.filter((other) => other !== record);
        ended.push(record.id);
        continue;
      }
      record.lost = true;
      record.overlapping = false;
      events.push({ type: 'track', tMs, track: record.id, change: 'lost' });
    }
  }

  private addTentative(association: Association, tMs: number): void {
    const seen = this.records.filter((record) => record.current);
    for (const observation of association.unmatched) {
      if (seen.some((record) => this.sameFace(record, observation))) continue;
      const record = newRecord(`pending-${this.nextPending++}`, observation, tMs);
      this.records.push(record);
      seen.push(record);
    }
  }

  /**
   * `observation` is the face `record` holds now, measured a second time: it lies mostly on it.
   * Two visible faces cannot share that much of the image (the one behind would be hidden), while a
   * second box on part of a face (a tile's detection, then FaceMesh's shifted fit) does. Embeddings
   * cannot tell: such a shifted fit measured 0.48 and 0.58 from its own track (smirk_skarsgard and
   * the mediapipe iris clip with detection.tiles 3), within the different-people range (0.31 min).
   */
  private sameFace(record: TrackRecord, observation: Observation): boolean {
    return overlapOfSmaller(record.box, observation.box) >= DUPLICATE_OVERLAP;
  }

  /** Tentative tracks with an embedding either take a missing track's id back or get a new one. */
  private resolveTentative(
    tMs: number,
    events: EventOf<'track'>[],
    renamed: TrackAssociations['renamed'],
  ): void {
    const tentative = this.records.filter((record) => !record.confirmed && record.current);
    const absent = this.records.filter(
      (record) => record.confirmed && !record.current && record.gallery.size > 0,
    );
    for (const { newcomer, returning } of reidentify(
      tentative,
      absent,
      this.tracking.reidMaxDistance,
    )) {
      const wasLost = returning.lost;
      returning.box = { ...newcomer.box };
      returning.velocity = ZERO_VELOCITY;
      returning.lastSeenMs = tMs;
      returning.missed = 0;
      returning.lost = false;
      returning.uncertain = false;
      returning.contested = false;
      returning.current = newcomer.current;
      returning.gallery.absorb(newcomer.gallery);
      returning.embeddingMs = tMs;
      returning.expressionMs = newcomer.expressionMs ?? returning.expressionMs;
      this.records = this.records.filter((record) => record !== newcomer);
      renamed.push({ from: newcomer.id, to: returning.id });
      if (wasLost) events.push({ type: 'track', tMs, track: returning.id, change: 'reidentified' });
    }
    for (const record of this.records) {
      if (record.confirmed || !record.current) continue;
      if (record.gallery.size === 0 && tMs - record.bornMs < this.tracking.tentativeMaxMs) continue;
      record.confirmed = true;
      const from = record.id;
      record.id = `anon-${this.nextAnon++}`;
      renamed.push({ from, to: record.id });
      events.push({ type: 'track', tMs, track: record.id, change: 'born' });
    }
  }

  /**
   * Faces whose boxes overlap are uncertain (one may be taken for the other) and get no embedding
   * until they separate. A face not seen now counts at its last box: it is probably hidden there.
   */
  private markOverlaps(): void {
    const live = this.records.filter((record) => !record.lost);
    for (const record of this.records) record.overlapping = false;
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i];
        const b = live[j];
        if (!a || !b || (!a.current && !b.current) || iou(a.box, b.box) < OVERLAP_IOU) continue;
        a.overlapping = b.overlapping = true;
        a.uncertain = b.uncertain = true;
        a.contested = b.contested = true;
      }
    }
  }

  private expire(tMs: number, events: EventOf<'track'>[]): void {
    const keepUntil = (record: TrackRecord) =>
      record.lastSeenMs + this.tracking.lostAfterMs + this.tracking.lostKeepMs;
    for (const record of this.records.filter((r) => r.lost && tMs >= keepUntil(r))) {
      events.push({ type: 'track', tMs, track: record.id, change: 'expired' });
    }
    this.records = this.records.filter((record) => !record.lost || tMs < keepUntil(record));
  }
}
