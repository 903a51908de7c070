// When per-student state and alerts are worth a message. Pure and clock-free (callers pass the
// time) so the byte budget can be measured in a unit test with simulated classes.
import type { AlertKind, StudentSignals } from '../events/types.js';
import { materialKey } from './payloads.js';

interface StudentSlot {
  signals: StudentSignals;
  /** materialKey of the last state sent. */
  sentKey: string;
  lastSentMs: number;
  lastOfferMs: number;
}

export interface DueState {
  student: string;
  signals: StudentSignals;
  /** false: nothing was heard of the student for `staleMs`; this is its last message. */
  present: boolean;
}

/**
 * students/<id> goes out when something material changed (blinks, turns, expression, flags) but at
 * most every `minIntervalMs`, and at least every `heartbeatMs` while the student is present. Pose
 * and rate drift alone wait for the heartbeat: they change every frame and would blow the budget.
 */
export class StatePolicy {
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly students = new Map<string, StudentSlot>();

  /**
   * `staleMs` (default 10 heartbeats) ends the heartbeat of a student the trackers stopped
   * reporting without an `expired` event, so a vanished student is not reported present forever.
   */
  constructor(options: { minIntervalMs: number; heartbeatMs: number; staleMs?: number }) {
    this.minIntervalMs = options.minIntervalMs;
    this.heartbeatMs = options.heartbeatMs;
    this.staleMs = options.staleMs ?? 10 * options.heartbeatMs;
  }

  /** Records the latest signals; true when they should be sent now (and counts them as sent). */
  offer(student: string, signals: StudentSignals, nowMs: number): boolean {
    const slot = this.students.get(student);
    if (!slot) {
      this.students.set(student, {
        signals,
        sentKey: materialKey(signals),
        lastSentMs: nowMs,
        lastOfferMs: nowMs,
      });
      return true;
    }
    slot.signals = signals;
    slot.lastOfferMs = nowMs;
    if (this.isDue(slot, nowMs)) {
      this.markSent(slot, nowMs);
      return true;
    }
    return false;
  }

  /** Students whose pending change or heartbeat is due at `nowMs` (counted as sent). */
  due(nowMs: number): DueState[] {
    const out: DueState[] = [];
    for (const [student, slot] of this.students) {
      if (nowMs - slot.lastOfferMs >= this.staleMs) {
        this.students.delete(student);
        out.push({ student, signals: slot.signals, present: false });
        continue;
      }
      if (!this.isDue(slot, nowMs)) continue;
      this.markSent(slot, nowMs);
      out.push({ student, signals: slot.signals, present: true });
    }
    return out;
  }

  /** The student left for good: stop the heartbeat; returns the last signals for a final message. */
  remove(student: string): StudentSignals | undefined {
    const slot = this.students.get(student);
    this.students.delete(student);
    return slot?.signals;
  }

  /** After a `reset` command every student is sent afresh. */
  clear(): void {
    this.students.clear();
  }

  get size(): number {
    return this.students.size;
  }

  private isDue(slot: StudentSlot, nowMs: number): boolean {
    const sinceMs = nowMs - slot.lastSentMs;
    if (sinceMs >= this.heartbeatMs) return true;
    return sinceMs >= this.minIntervalMs && materialKey(slot.signals) !== slot.sentKey;
  }

  private markSent(slot: StudentSlot, nowMs: number): void {
    slot.sentKey = materialKey(slot.signals);
    slot.lastSentMs = nowMs;
  }
}

const STUDENT_ALERTS: readonly AlertKind[] = ['tired', 'looking-around'];

/**
 * Alert cool-down on top of the trackers' own: one alert per kind and student (or camera) per
 * `cooldownMs`. A camera-recovered is only published when its camera-lost was, so a flapping camera
 * yields one lost/recovered pair per cool-down instead of an unpaired "recovered".
 */
export class AlertGate {
  private readonly cooldownMs: number;
  private readonly lastMs = new Map<string, number>();
  private cameraLostPublished = false;
  suppressed = 0;

  constructor(options: { cooldownMs: number }) {
    this.cooldownMs = options.cooldownMs;
  }

  allow(alert: AlertKind, student: string | undefined, nowMs: number): boolean {
    if (alert === 'camera-recovered') {
      const allowed = this.cameraLostPublished;
      this.cameraLostPublished = false;
      if (!allowed) this.suppressed += 1;
      return allowed;
    }
    const key = `${alert}|${student ?? ''}`;
    const last = this.lastMs.get(key);
    if (last !== undefined && nowMs - last < this.cooldownMs) {
      this.suppressed += 1;
      return false;
    }
    this.lastMs.set(key, nowMs);
    if (alert === 'camera-lost') this.cameraLostPublished = true;
    return true;
  }

  /** The student's id is gone for good (expired, erased, relabelled): drop their cool-downs. */
  forget(student: string): void {
    for (const alert of STUDENT_ALERTS) this.lastMs.delete(`${alert}|${student}`);
  }

  /** Cool-down entries held (students with a recent alert, and the camera). */
  get size(): number {
    return this.lastMs.size;
  }
}
