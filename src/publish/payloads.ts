// Event → payload mapping. Payloads are compact JSON objects; every one starts with the envelope
// (schema version, device id, wall-clock time) and QoS1 ones get a device-wide `seq` from the queue.
// Numbers are rounded to what a dashboard can use: fewer bytes, and no fake precision.
import type { AlertKind, ClassSummary, EventOf, StudentSignals } from '../events/types.js';

/** Camera state as the events carry it (publish imports event types only). */
export type CameraState = EventOf<'status'>['camera'];

/** Bumped on any incompatible change of a payload; documented in docs/asyncapi.yaml. */
const SCHEMA_VERSION = 1;

export interface Envelope {
  v: number;
  device: string;
  /** Wall-clock time of the event, ms since the Unix epoch. */
  tMs: number;
}

export type Payload = Envelope & Record<string, unknown>;

const round = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

const orNull = (value: number | null, f: (v: number) => number): number | null =>
  value === null ? null : f(value);

export class PayloadBuilder {
  private readonly device: string;

  constructor(options: { deviceId: string }) {
    this.device = options.deviceId;
  }

  envelope(wallMs: number): Envelope {
    return { v: SCHEMA_VERSION, device: this.device, tMs: Math.round(wallMs) };
  }

  status(
    wallMs: number,
    fields: { online: boolean; camera: CameraState; reason?: string; queueDropped?: number },
  ): Payload {
    return {
      ...this.envelope(wallMs),
      state: fields.online ? 'online' : 'offline',
      camera: fields.camera,
      ...(fields.reason ? { reason: fields.reason.slice(0, 200) } : {}),
      ...(fields.queueDropped ? { queueDropped: fields.queueDropped } : {}),
    };
  }

  health(wallMs: number, health: Record<string, unknown>): Payload {
    return { ...this.envelope(wallMs), health };
  }

  student(wallMs: number, student: string, signals: StudentSignals, present: boolean): Payload {
    return {
      ...this.envelope(wallMs),
      student,
      present,
      eyesMeasurable: signals.eyesMeasurable,
      // Unknown (face too small for eye measurements) is published as null, never as 0.
      blinks: signals.blinks,
      blinkRatePerMin: orNull(signals.blinkRatePerMin, (v) => round(v, 1)),
      perclos: orNull(signals.perclos, (v) => round(v, 2)),
      eyesClosedMs: orNull(signals.eyesClosedMs, Math.round),
      turns: signals.turns,
      turnsInWindow: signals.turnsInWindow,
      pose: {
        yawDeg: Math.round(signals.yawDeg),
        pitchDeg: Math.round(signals.pitchDeg),
        rollDeg: Math.round(signals.rollDeg),
      },
      expression: signals.expression,
      expressionConfidence: round(signals.expressionConfidence, 2),
      tired: signals.tired,
      lookingAround: signals.lookingAround,
      turnedAway: signals.turnedAway,
    };
  }

  alert(wallMs: number, alert: AlertKind, reason: string, student?: string): Payload {
    return {
      ...this.envelope(wallMs),
      alert,
      ...(student !== undefined ? { student } : {}),
      reason: reason.slice(0, 200),
    };
  }

  classSummary(wallMs: number, summary: ClassSummary): Payload {
    return {
      ...this.envelope(wallMs),
      faces: summary.faces,
      attentiveShare: round(summary.attentiveShare, 2),
      tired: summary.tired,
      lookingAround: summary.lookingAround,
      expressions: { ...summary.expressions },
    };
  }

  reply(
    wallMs: number,
    fields: {
      cmd: string;
      id?: string;
      ok: boolean;
      result?: Record<string, unknown>;
      error?: { code: string; message: string };
    },
  ): Payload {
    return {
      ...this.envelope(wallMs),
      cmd: fields.cmd.slice(0, 32),
      ...(fields.id !== undefined ? { id: fields.id } : {}),
      ok: fields.ok,
      ...(fields.result ? { result: fields.result } : {}),
      ...(fields.error ? { error: fields.error } : {}),
    };
  }
}

/** The fields of a student payload that count as a change worth sending before the heartbeat. */
export function materialKey(signals: StudentSignals): string {
  return [
    signals.eyesMeasurable,
    signals.blinks,
    signals.turns,
    signals.expression,
    signals.tired,
    signals.lookingAround,
    signals.turnedAway,
  ].join('|');
}
