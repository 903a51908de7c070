// The façade the daemon uses: one call per frame turns observations into events, and read-only
// views answer the publisher's and the commands' questions.
import type { Config } from '../config/schema.js';
import type { ClassSummary, Event, StudentSignals } from '../events/types.js';
import {
  EXPRESSIONS,
  type Expression,
  type Observation,
  type TrackHint,
} from '../pipeline/types.js';
import { EmbeddingTracker, type TrackAssociations, type TrackView } from './embedding-tracker.js';
import { StudentState } from './student-state.js';

export interface ClassroomOptions {
  tracking: Config['tracking'];
  blink: Config['blink'];
  headTurn: Config['headTurn'];
  expression: Config['expression'];
}

export interface ClassroomUpdate {
  events: Event[];
  associations: TrackAssociations;
}

export class Classroom {
  private readonly options: ClassroomOptions;
  private readonly tracker: EmbeddingTracker;
  private readonly students = new Map<string, StudentState>();
  /** Last published change key per student: state events only when it changes. */
  private readonly published = new Map<string, string>();

  constructor(options: ClassroomOptions) {
    this.options = options;
    this.tracker = new EmbeddingTracker({
      tracking: options.tracking,
      expression: options.expression,
    });
  }

  /**
   * One frame: frame, track, blink, turn, alert and (changed) state events, in that order, and
   * which observation went to which track (identity and the pipeline's face memory follow these).
   */
  update(observations: readonly Observation[], tMs: number): ClassroomUpdate {
    const { events: trackEvents, matches, associations } = this.tracker.update(observations, tMs);
    const events: Event[] = [{ type: 'frame', tMs, faces: matches.length }];
    for (const event of trackEvents) {
      events.push(event);
      if (event.change === 'born') this.students.set(event.track, this.newStudent(event.track));
      if (event.change === 'expired') {
        this.students.delete(event.track);
        this.published.delete(event.track);
      }
    }
    const observed: StudentState[] = [];
    for (const { trackId, observation } of matches) {
      const student = this.students.get(trackId);
      if (!student) continue;
      events.push(...student.update(tMs, observation));
      observed.push(student);
    }
    for (const student of observed) {
      const key = student.changeKey(tMs);
      if (this.published.get(student.trackId) === key) continue;
      this.published.set(student.trackId, key);
      events.push({ type: 'state', tMs, track: student.trackId, signals: student.signals(tMs) });
    }
    return { events, associations };
  }

  /** Forget what was last reported: every observed student's state goes out on the next frame. */
  resync(): void {
    this.published.clear();
  }

  /** The tracker's hints; a face too small for eye measurements asks for none (no iris run). */
  hints(tMs: number): TrackHint[] {
    return this.tracker
      .hints(tMs)
      .map((hint) =>
        this.students.get(hint.id)?.eyesWanted === false ? { ...hint, needsEyes: false } : hint,
      );
  }

  summary(tMs: number): ClassSummary {
    const present: StudentSignals[] = [];
    for (const track of this.tracker.tracks()) {
      const student = this.students.get(track.id);
      if (!track.lost && student) present.push(student.signals(tMs));
    }
    return summarise(present);
  }

  /** The `reset` command: counters and cool-downs to zero; ids and learned baselines stay. */
  reset(): void {
    for (const student of this.students.values()) student.reset();
    this.published.clear();
  }

  /** A student was erased: their counters go; the face, if still here, goes on anonymously. */
  forget(trackId: string): void {
    if (this.students.has(trackId)) this.students.set(trackId, this.newStudent(trackId));
    this.published.delete(trackId);
  }

  tracks(): readonly Readonly<TrackView>[] {
    return this.tracker.tracks();
  }

  /** Students held (one per confirmed track, live or lost): for tests that check nothing leaks. */
  get size(): number {
    return this.students.size;
  }

  private newStudent(trackId: string): StudentState {
    const { blink, headTurn, expression } = this.options;
    return new StudentState({ trackId, blink, headTurn, expression });
  }
}

/** The class summary of the present students' signals (also the fleet simulator's). */
export function summarise(present: readonly StudentSignals[]): ClassSummary {
  const expressions = Object.fromEntries(EXPRESSIONS.map((e) => [e, 0])) as Record<
    Expression,
    number
  >;
  let tired = 0;
  let lookingAround = 0;
  let attentive = 0;
  for (const signals of present) {
    if (signals.tired) tired += 1;
    if (signals.lookingAround) lookingAround += 1;
    if (!signals.tired && !signals.lookingAround && !signals.turnedAway) attentive += 1;
    expressions[signals.expression] += 1;
  }
  const faces = present.length;
  return {
    faces,
    attentiveShare: faces > 0 ? attentive / faces : 1,
    tired,
    lookingAround,
    expressions,
  };
}
