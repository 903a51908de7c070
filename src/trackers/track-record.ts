// The tracker's private, mutable record of one face. Only read-only views leave the tracker.
import type { Box, Observation } from '../pipeline/types.js';
import { type Velocity, ZERO_VELOCITY } from './box-geometry.js';
import { EmbeddingGallery } from './embedding-math.js';

/** Embeddings kept per track: a handful of views is enough to bridge pose changes. */
const GALLERY_SIZE = 8;

export interface TrackRecord {
  /** `anon-N` once confirmed, `pending-N` while tentative. */
  id: string;
  /** Tentative tracks wait for their first embedding (or `tentativeMaxMs`) before getting an id. */
  confirmed: boolean;
  bornMs: number;
  box: Box;
  velocity: Velocity;
  lastSeenMs: number;
  /** Updates in a row in which the track was not observed. */
  missed: number;
  lost: boolean;
  gallery: EmbeddingGallery;
  /** When the last accepted embedding arrived. */
  embeddingMs: number | undefined;
  expressionMs: number | undefined;
  /** Set by a crossing, an occlusion or a gap; cleared by an embedding that settles identity. */
  uncertain: boolean;
  /**
   * Another face overlapped it or its box jumped: the face it holds may be somebody else's, so an
   * embedding that does not match swaps or detaches it. A gap alone (a hand passing, a fast turn
   * to profile) does not contest the face that comes back where the track was heading.
   */
  contested: boolean;
  /** The box overlaps another observed face now (embeddings taken now would mix two faces). */
  overlapping: boolean;
  /** The observation attributed to this track in the current update, if any. */
  current: Observation | undefined;
}

export function newRecord(id: string, observation: Observation, tMs: number): TrackRecord {
  const record: TrackRecord = {
    id,
    confirmed: false,
    bornMs: tMs,
    box: { ...observation.box },
    velocity: ZERO_VELOCITY,
    lastSeenMs: tMs,
    missed: 0,
    lost: false,
    gallery: new EmbeddingGallery(GALLERY_SIZE),
    embeddingMs: undefined,
    expressionMs: observation.expression ? tMs : undefined,
    uncertain: false,
    contested: false,
    overlapping: false,
    current: observation,
  };
  if (observation.embedding) {
    record.gallery.add(observation.embedding);
    record.embeddingMs = tMs;
  }
  return record;
}
