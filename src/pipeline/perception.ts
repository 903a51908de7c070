// One frame's trip through perception: the trackers' hints (read-only) steer the pipeline, its
// observations update the trackers, and the class summary is added on its interval of frame time.
import type { Frame } from '../capture/frame.js';
import type { Event } from '../events/types.js';
import type { IdentityRuntime } from '../identity/identity-runtime.js';
import type { Logger } from '../log/logger.js';
import type { Classroom } from '../trackers/classroom.js';
import type { TrackAssociations } from '../trackers/embedding-tracker.js';
import type { Pipeline } from './pipeline.js';
import type { Box, Observation, TrackHint } from './types.js';

export interface ProcessedFrame {
  events: Event[];
  faces: number;
  /** Per-stage times of this frame (ms); 'total' is added by the daemon. */
  timingsMs: Record<string, number>;
}

/** A processed frame with what was measured: each observation and the track it went to. */
export interface MeasuredFrame extends ProcessedFrame {
  observations: readonly Observation[];
  associations: TrackAssociations;
}

/** The knobs of the adaptation ladder perception applies (src/ops/adaptation-ladder.ts). */
export interface PerceptionKnobs {
  expressionIntervalScale: number;
  detectionIntervalScale: number;
}

/** Turns a frame into events (pipeline + trackers); the daemon holds exactly one at a time. */
export interface FrameProcessor {
  process(frame: Frame): Promise<ProcessedFrame>;
  /** Live tracks with their boxes (annotated snapshots). */
  boxes(): Array<{ id: string; box: Box }>;
  /** Zero the per-student counters (the reset command). */
  reset(): void;
  /** Adaptation under load: fewer expressions first, then a slower detection cadence. */
  adapt(knobs: PerceptionKnobs): void;
  /** Capture starts again after a stop or reload: report every student afresh. */
  resume(): void;
}

export interface PerceptionOptions {
  pipeline: Pipeline;
  classroom: Classroom;
  /** Class summary every this many ms of frame time (mqtt.classIntervalS). */
  classIntervalMs: number;
  /** expression.intervalMs: the tracker's own expression cadence, stretched by adaptation. */
  expressionIntervalMs: number;
  /** Enrolled students: published ids instead of anon-N once a vote agrees (src/identity). */
  identity?: IdentityRuntime;
  logger?: Logger;
}

/** How often (frame time) the gallery file is checked for enrolments and erasures. */
const IDENTITY_REFRESH_MS = 5000;
/** How often kept samples are pruned by age even when none is added. */
const SAMPLE_PRUNE_MS = 3_600_000;

export class Perception implements FrameProcessor {
  private nextClassMs = 0;
  private knobs: PerceptionKnobs = { expressionIntervalScale: 1, detectionIntervalScale: 1 };
  /** When each live track last got an expression, to stretch the cadence under load (pruned to
   * the tracks hinted this frame, so ended tracks leave no entry behind). */
  private readonly expressionAtMs = new Map<string, number>();
  private nextIdentityRefreshMs = IDENTITY_REFRESH_MS;
  private nextSamplePruneMs = 0;

  constructor(private readonly options: PerceptionOptions) {}

  process(frame: Frame): Promise<ProcessedFrame> {
    return this.measure(frame);
  }

  /** `process`, keeping the observations and associations (`classpulse analyze` reports them). */
  async measure(frame: Frame): Promise<MeasuredFrame> {
    const { pipeline, classroom, classIntervalMs } = this.options;
    const { identity } = this.options;
    const trackerHints = classroom.hints(frame.tMs);
    const hints = this.stretchExpressions(
      identity ? identity.adjustHints(trackerHints) : trackerHints,
      frame.tMs,
    );
    const result = await pipeline.process(frame, hints);
    const trackStarted = performance.now();
    // Erasures first: an erased student's counters go before this frame's state is computed.
    if (identity) this.refreshIdentity(identity, frame.tMs);
    const update = classroom.update(result.observations, frame.tMs);
    let events: Event[] = update.events;
    pipeline.follow(update.associations.observed);
    if (frame.tMs >= this.nextClassMs) {
      events.push({ type: 'class', tMs: frame.tMs, summary: classroom.summary(frame.tMs) });
      this.nextClassMs = frame.tMs + classIntervalMs;
    }
    if (identity) {
      identity.observeFrame(result.observations, update.associations, frame.image);
      // Tracker ids become published ids (enrolled or anon-N, pseudonymised when configured).
      events = identity.relabel(events, frame.tMs);
    }
    const first = events[0];
    const faces = first?.type === 'frame' ? first.faces : result.observations.length;
    return {
      events,
      faces,
      timingsMs: { ...result.timingsMs, track: performance.now() - trackStarted },
      observations: result.observations,
      associations: update.associations,
    };
  }

  /** Picks up enrolments and erasures made by `classpulse enroll` / `students erase`. */
  private refreshIdentity(identity: IdentityRuntime, tMs: number): void {
    if (tMs >= this.nextIdentityRefreshMs) {
      this.nextIdentityRefreshMs = tMs + IDENTITY_REFRESH_MS;
      try {
        for (const erased of identity.refresh()) this.options.classroom.forget(erased.trackId);
      } catch (error) {
        // The last good gallery stays in use; the file is reported once per change.
        this.options.logger?.error({ err: error }, 'gallery not reloaded');
      }
    }
    if (tMs >= this.nextSamplePruneMs) {
      this.nextSamplePruneMs = tMs + SAMPLE_PRUNE_MS;
      identity.samples.prune();
    }
  }

  adapt(knobs: PerceptionKnobs): void {
    if (
      knobs.detectionIntervalScale !== this.knobs.detectionIntervalScale ||
      knobs.expressionIntervalScale !== this.knobs.expressionIntervalScale
    ) {
      this.knobs = {
        expressionIntervalScale: knobs.expressionIntervalScale,
        detectionIntervalScale: knobs.detectionIntervalScale,
      };
      this.options.pipeline.setDetectionIntervalScale(knobs.detectionIntervalScale);
    }
  }

  private stretchExpressions(hints: TrackHint[], tMs: number): TrackHint[] {
    const scale = this.knobs.expressionIntervalScale;
    const minGapMs = this.options.expressionIntervalMs * scale;
    const live = new Set(hints.map((h) => h.id));
    for (const id of this.expressionAtMs.keys()) if (!live.has(id)) this.expressionAtMs.delete(id);
    return hints.map((hint) => {
      if (!hint.needsExpression) return hint;
      const last = this.expressionAtMs.get(hint.id);
      if (scale > 1 && last !== undefined && tMs - last < minGapMs) {
        return { ...hint, needsExpression: false };
      }
      this.expressionAtMs.set(hint.id, tMs);
      return hint;
    });
  }

  /** Live tracks, for the annotated snapshot. */
  boxes(): Array<{ id: string; box: Box }> {
    return this.options.classroom
      .tracks()
      .filter((t) => !t.lost)
      .map((t) => ({ id: t.id, box: t.box }));
  }

  reset(): void {
    this.options.classroom.reset();
  }

  resume(): void {
    this.options.classroom.resync();
  }
}
