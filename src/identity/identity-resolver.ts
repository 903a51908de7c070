// Open-set recognition for live tracks. A track takes an enrolled id only after `identity.votes`
// embeddings in a row whose nearest enrolled student is the same one within
// `identity.matchDistance`; otherwise it keeps the tracker's own anonymous id (anon-N, stable for
// the lesson). What leaves is the enrolled id (or its keyed pseudonym) or the anonymous id: never a
// name, never an embedding.
import type { Config } from '../config/schema.js';
import type { Event, EventOf, IdentityChange } from '../events/types.js';
import type { EnrolledStudent } from './gallery-format.js';
import { nearestStudent } from './matching.js';
import type { Pseudonymiser } from './pseudonym.js';

export interface IdentityResolverOptions {
  identity: Pick<Config['identity'], 'matchDistance' | 'votes'>;
  students: readonly EnrolledStudent[];
  /** Set when identity.pseudonymKeyFile is: enrolled ids are published as keyed pseudonyms. */
  pseudonymiser?: Pseudonymiser;
}

/** What one embedding did to a track. */
export interface Resolution {
  /** The id to publish for the track now. */
  publishedId: string;
  /** The enrolled student the track holds now, if any (never published as such when pseudonymised). */
  studentId: string | undefined;
  /** This embedding matched the student the track holds (a kept-sample candidate). */
  recognised: boolean;
}

/** A track whose student was erased, and the id it was published under until then. */
export interface ErasedTrack {
  trackId: string;
  publishedId: string;
}

/** A published id that changed since the last `relabel`: the id before, and why. */
interface PendingChange {
  from: string;
  reason: IdentityChange;
}

interface TrackIdentity {
  studentId: string | undefined;
  /** Consecutive embeddings agreeing on `candidate` (or, once assigned, disagreeing with it). */
  candidate: string | undefined;
  streak: number;
}

export class IdentityResolver {
  private readonly matchDistance: number;
  private readonly votes: number;
  private readonly pseudonymiser: Pseudonymiser | undefined;
  private students: readonly EnrolledStudent[];
  private readonly tracks = new Map<string, TrackIdentity>();
  /** Per tracker id: published id changes not yet announced by `relabel`. */
  private readonly changes = new Map<string, PendingChange>();

  constructor(options: IdentityResolverOptions) {
    this.matchDistance = options.identity.matchDistance;
    this.votes = options.identity.votes;
    this.students = options.students;
    this.pseudonymiser = options.pseudonymiser;
  }

  /** One fresh embedding of a live track (observation.trackId + observation.embedding). */
  observe(trackId: string, embedding: Float32Array): Resolution {
    const before = this.publishedId(trackId);
    const resolution = this.vote(trackId, embedding);
    if (resolution.publishedId !== before) {
      this.noteChange(trackId, before, resolution.studentId ? 'recognised' : 'unrecognised');
    }
    return resolution;
  }

  private vote(trackId: string, embedding: Float32Array): Resolution {
    const state = this.tracks.get(trackId) ?? {
      studentId: undefined,
      candidate: undefined,
      streak: 0,
    };
    this.tracks.set(trackId, state);
    const match = nearestStudent(embedding, this.students);
    const matched = match && match.distance <= this.matchDistance ? match.studentId : undefined;
    if (state.studentId !== undefined) {
      if (matched === state.studentId) {
        state.streak = 0;
        return this.resolution(trackId, true);
      }
      // As many votes take an id away as gave it: one odd frame (a hand, a turn) changes nothing.
      state.streak += 1;
      if (state.streak >= this.votes) this.reset(state);
      return this.resolution(trackId, false);
    }
    if (matched === undefined) {
      this.reset(state);
      return this.resolution(trackId, false);
    }
    state.streak = matched === state.candidate ? state.streak + 1 : 1;
    state.candidate = matched;
    if (state.streak >= this.votes && !this.heldByOther(matched, trackId)) {
      state.studentId = matched;
      state.streak = 0;
      return this.resolution(trackId, true);
    }
    return this.resolution(trackId, false);
  }

  /** The id to publish for a tracker id: enrolled (maybe pseudonymised) or the tracker's anon id. */
  publishedId(trackId: string): string {
    const studentId = this.tracks.get(trackId)?.studentId;
    if (studentId === undefined) return trackId;
    return this.pseudonymiser ? this.pseudonymiser.pseudonym(studentId) : studentId;
  }

  studentOf(trackId: string): string | undefined {
    return this.tracks.get(trackId)?.studentId;
  }

  /**
   * Events with every track id replaced by its published id, led (after the frame event) by one
   * `identity` event per track whose published id changed since the last call; expired tracks are
   * then forgotten.
   */
  relabel(events: readonly Event[], tMs: number): Event[] {
    const changed: EventOf<'identity'>[] = [];
    for (const [trackId, { from, reason }] of this.changes) {
      const to = this.publishedId(trackId);
      if (to !== from) changed.push({ type: 'identity', tMs, from, to, reason });
    }
    this.changes.clear();
    const out = events.map((event): Event => {
      if (!('track' in event) || event.track === undefined) return event;
      return { ...event, track: this.publishedId(event.track) } as Event;
    });
    for (const event of events) {
      if (event.type === 'track' && event.change === 'expired') this.tracks.delete(event.track);
    }
    const lead = out[0]?.type === 'frame' ? 1 : 0;
    out.splice(lead, 0, ...changed);
    return out;
  }

  /** Tracker ids this resolver holds state for (bounded by the live and lost tracks). */
  get size(): number {
    return this.tracks.size;
  }

  /**
   * A new gallery (after enrolment or erasure). Tracks holding a student no longer enrolled go
   * back to anonymous; they are returned with the id they were published under, so the daemon can
   * drop the state it keeps for them and clear that id's retained topic (erasure reaches counters).
   */
  setStudents(students: readonly EnrolledStudent[]): ErasedTrack[] {
    const enrolled = new Set(students.map((s) => s.id));
    const dropped: ErasedTrack[] = [];
    for (const [trackId, state] of this.tracks) {
      if (state.studentId !== undefined && !enrolled.has(state.studentId)) {
        const erased = { trackId, publishedId: this.publishedId(trackId) };
        dropped.push(erased);
        this.reset(state);
        this.noteChange(trackId, erased.publishedId, 'erased');
      }
      if (state.candidate !== undefined && !enrolled.has(state.candidate)) this.reset(state);
    }
    this.students = students;
    return dropped;
  }

  /** A vote is under way: ask the pipeline for this track's embedding every frame until it ends. */
  voting(trackId: string): boolean {
    const state = this.tracks.get(trackId);
    return state !== undefined && state.streak > 0;
  }

  /** Several changes before one relabel: the first `from` and the last reason count. */
  private noteChange(trackId: string, from: string, reason: IdentityChange): void {
    this.changes.set(trackId, { from: this.changes.get(trackId)?.from ?? from, reason });
  }

  private heldByOther(studentId: string, trackId: string): boolean {
    for (const [other, state] of this.tracks) {
      if (other !== trackId && state.studentId === studentId) return true;
    }
    return false;
  }

  private reset(state: TrackIdentity): void {
    state.studentId = undefined;
    state.candidate = undefined;
    state.streak = 0;
  }

  private resolution(trackId: string, recognised: boolean): Resolution {
    return {
      publishedId: this.publishedId(trackId),
      studentId: this.studentOf(trackId),
      recognised,
    };
  }
}
