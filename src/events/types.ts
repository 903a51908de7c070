// The one event union: what the trackers and the daemon emit, what `replay --trace` prints and what
// the publisher sends (after its privacy guard). No event carries an image or an embedding.
import type { CameraState } from '../capture/frame.js';
import type { Expression } from '../pipeline/types.js';

/** Per-student state, as published on students/<id>. */
export interface StudentSignals {
  /**
   * The face is wide enough (blink.minFacePx) and its eye readings steady enough (judged after a
   * second of readings; trackers/eye-signal-quality.ts) for eye measurements to mean something.
   * When false, the four eye fields below are null: unknown, not zero.
   */
  eyesMeasurable: boolean;
  /** Blinks since the track was born (or since the last `reset` command). */
  blinks: number | null;
  /** Blinks per minute over the blink window. */
  blinkRatePerMin: number | null;
  /** Share of the window with eyes at least 80% closed (P80), 0..1. */
  perclos: number | null;
  /** Total time with eyes closed for longer than a blink, ms. */
  eyesClosedMs: number | null;
  /** Head turns left/right since birth (or reset). */
  turns: number;
  /** Turns within the head-turn window. */
  turnsInWindow: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  expression: Expression;
  /** Smoothed probability of `expression`, 0..1. */
  expressionConfidence: number;
  tired: boolean;
  lookingAround: boolean;
  /** Turned beyond headTurn.yawDeg from the resting yaw for at least headTurn.awayAfterS. */
  turnedAway: boolean;
}

export interface ClassSummary {
  /** Faces currently tracked. */
  faces: number;
  /** Share of present students neither tired nor looking around, 0..1 (1 when nobody is present). */
  attentiveShare: number;
  tired: number;
  lookingAround: number;
  /** Number of present students per dominant expression. */
  expressions: Record<Expression, number>;
}

export type AlertKind = 'tired' | 'looking-around' | 'camera-lost' | 'camera-recovered';

/** `tMs` is the time of the frame (ms since the source started, media time for files). */
export type Event =
  | { type: 'frame'; tMs: number; faces: number }
  | { type: 'blink'; track: string; startMs: number; endMs: number }
  | { type: 'turn'; track: string; direction: 'left' | 'right'; startMs: number; endMs: number }
  | { type: 'state'; tMs: number; track: string; signals: StudentSignals }
  | {
      type: 'alert';
      tMs: number;
      alert: AlertKind;
      /** The student the alert is about; absent for camera alerts. */
      track?: string;
      /** Short human-readable reason, e.g. "32 blinks in 60 s" or "PERCLOS 0.21". */
      reason: string;
    }
  | { type: 'class'; tMs: number; summary: ClassSummary }
  | { type: 'status'; tMs: number; camera: CameraState; reason?: string }
  | {
      type: 'track';
      tMs: number;
      track: string;
      change: 'born' | 'lost' | 'reidentified' | 'expired';
    }
  | {
      /**
       * A track's published id changed: a vote matched it to an enrolled student ('recognised'),
       * votes took that student away again ('unrecognised'), or the student was erased from the
       * gallery ('erased'). `from` is never reported again after this event (the publisher sends
       * its final `present: false`); the track goes on as `to`.
       */
      type: 'identity';
      tMs: number;
      from: string;
      to: string;
      reason: IdentityChange;
    };

export type IdentityChange = 'recognised' | 'unrecognised' | 'erased';

export type EventType = Event['type'];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;
