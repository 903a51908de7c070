// Blinks and eyes-closed time from per-frame eye openness, relative to the person's own open-eye
// level (eye aspect ratios differ between people and with head pose, so fixed thresholds misfire).
import type { Config } from '../config/schema.js';
import type { EyeOpenness } from '../pipeline/types.js';
import { OpenEyeBaseline, percentile } from './open-eye-baseline.js';
import { TimedEvents } from './time-windows.js';

/** The eyes disagree when the less open one is below this share of the more open one. */
const EYES_AGREE_RATIO = 0.6;
/** A low phase this long with a steady, only moderately low level is a new open level, not sleep. */
const REBASELINE_MIN_MS = 3000;
/** "Moderately low": at least this share of the old baseline (real closures sit far below). */
const REBASELINE_FLOOR = 0.5;
/** "Steady": the low phase's values stay within this share of their median. */
const REBASELINE_SPREAD = 0.25;
/**
 * A closure that went this deep (share of the open level: lids at least 70 % closed, PERCLOS's P70)
 * and came back up to a lowered level is a blink while looking down, not eyes closed (below).
 */
const DEEP_CLOSURE_RATIO = 0.3;
/** Readings that confirm the eyes are back up at a lowered level (one could be noise). */
const LOWERED_CONFIRM_READINGS = 2;
/** Recent readings whose median is the lowered level the next closure is judged against. */
const LOWERED_WINDOW_READINGS = 8;
/** Blink rates are computed over at least this much time so a young track does not read 60/min. */
const MIN_RATE_SPAN_MS = 10_000;

export interface Blink {
  startMs: number;
  endMs: number;
}

export interface BlinkDetectorOptions {
  blink: Config['blink'];
}

type EyeState = 'unknown' | 'open' | 'closed';

/**
 * One number per frame for both eyes. Normally the mean (less noise). When the eyes disagree
 * strongly, one of them is unreliable — foreshortened by a turned head, hidden by hair or a hand —
 * and the more open one is used: a real blink closes both eyes, so it still shows in that one.
 */
export function combinedOpenness(eyes: EyeOpenness): number | undefined {
  const valid = [eyes.left, eyes.right].filter((v) => Number.isFinite(v) && v > 0);
  const [a, b] = valid;
  if (a === undefined) return undefined;
  if (b === undefined) return a;
  const high = Math.max(a, b);
  const low = Math.min(a, b);
  return low < EYES_AGREE_RATIO * high ? high : (a + b) / 2;
}

export class BlinkDetector {
  private readonly config: Config['blink'];
  private readonly baseline: OpenEyeBaseline;
  private readonly blinks: TimedEvents;
  private state: EyeState = 'unknown';
  private lastSampleMs: number | undefined;
  private firstSampleMs: number | undefined;
  private closureStartMs = 0;
  /** Values since the eyes last counted as open (for re-baselining after a pose change). */
  private lowPhase: Array<{ tMs: number; value: number }> = [];
  private closedMsDone = 0;
  private lastOpenness: number | undefined;
  /** Lowest value of the running closure. */
  private closureFloor = 0;
  /** Readings of the running closure back up at its recovery level, not yet confirmed. */
  private recovery: Array<{ tMs: number; value: number }> = [];
  /** Open readings while the lids sit lower than openRatio (looking down); empty otherwise. */
  private lowered: number[] = [];

  constructor(options: BlinkDetectorOptions) {
    this.config = options.blink;
    this.baseline = new OpenEyeBaseline(options.blink.baselineWindowS * 1000);
    this.blinks = new TimedEvents(options.blink.windowS * 1000);
  }

  /** Feeds one frame; `eyes` undefined means no eyes were measured. Returns a completed blink. */
  push(tMs: number, eyes: EyeOpenness | undefined): Blink | undefined {
    const value = eyes ? combinedOpenness(eyes) : undefined;
    this.lastOpenness = value;
    if (value === undefined) return undefined;
    this.firstSampleMs ??= tMs;
    if (this.lastSampleMs !== undefined && tMs - this.lastSampleMs > this.config.maxGapMs) {
      // Whatever happened in the gap is unknown: drop a pending closure and wait for open eyes.
      this.state = 'unknown';
      this.lowPhase = [];
      this.lowered = [];
    }
    this.lastSampleMs = tMs;
    const baseline = this.baseline.value;
    if (baseline === undefined) {
      this.baseline.add(tMs, value);
      return undefined;
    }
    // Lids lowered after a blink (looking down at the desk) are the level the next closure is
    // judged against, until the eyes are fully open again.
    const reference = this.lowered.length > 0 ? percentile(this.lowered, 0.5) : baseline;
    const closedBelow = this.config.closedRatio * reference;
    const openAbove = this.config.openRatio * baseline;

    if (this.state !== 'closed' && value >= openAbove) {
      this.toOpen(tMs, value);
      return undefined;
    }
    if (this.state === 'open') {
      if (value < closedBelow) {
        this.state = 'closed';
        this.closureStartMs = tMs;
        this.closureFloor = value;
        this.recovery = [];
        this.lowPhase = [{ tMs, value }];
      } else {
        this.baseline.add(tMs, value);
        if (this.lowered.length > 0) this.remember(value);
      }
      return undefined;
    }
    if (this.state === 'closed' && value > openAbove) return this.endClosure(tMs, value);
    if (this.state === 'closed') {
      const recovered = this.recoveredAt(tMs, value, reference);
      if (recovered) return this.endLowered(recovered, tMs, value);
    }
    this.lowPhase.push({ tMs, value });
    this.maybeRebaseline(baseline);
    return undefined;
  }

  get openness(): number | undefined {
    return this.lastOpenness;
  }

  get openLevel(): number | undefined {
    return this.baseline.value;
  }

  get count(): number {
    return this.blinks.count;
  }

  inWindow(tMs: number): number {
    return this.blinks.inWindow(tMs);
  }

  ratePerMin(tMs: number): number {
    if (this.firstSampleMs === undefined) return 0;
    const spanMs = Math.min(
      this.config.windowS * 1000,
      Math.max(MIN_RATE_SPAN_MS, tMs - this.firstSampleMs),
    );
    return (this.inWindow(tMs) * 60_000) / spanMs;
  }

  /** Completed long closures plus the running one once it is longer than a blink. */
  eyesClosedMs(): number {
    const running =
      this.state === 'closed' && this.lastSampleMs !== undefined && this.clearlyClosed()
        ? this.lastSampleMs - this.closureStartMs
        : 0;
    return this.closedMsDone + (running > this.config.maxBlinkMs ? running : 0);
  }

  /** Counters back to zero; the learned open-eye level is kept (it is calibration, not a count). */
  reset(): void {
    this.blinks.reset();
    this.closedMsDone = 0;
    if (this.state === 'closed' && this.lastSampleMs !== undefined) {
      this.closureStartMs = this.lastSampleMs;
    }
  }

  private toOpen(tMs: number, value: number): void {
    this.state = 'open';
    this.lowPhase = [];
    this.lowered = [];
    this.baseline.add(tMs, value);
  }

  /**
   * A deep closure whose eyes came back up half-way to the level they closed from, and stayed there
   * for LOWERED_CONFIRM_READINGS readings, ended when they first did: a blink of a student looking
   * down, whose lids then rest below openRatio (on franck's clip for 1.5 s at 0.55-0.78 of the
   * open level, with two more blinks in it; waiting for openRatio took all three for one
   * eyes-closed phase). Returns the first of those readings once confirmed.
   */
  private recoveredAt(tMs: number, value: number, reference: number): { tMs: number } | undefined {
    this.closureFloor = Math.min(this.closureFloor, value);
    // Only a blink-long closure: a longer low phase (pose change, eyes closed) is judged as before.
    if (this.closureFloor >= DEEP_CLOSURE_RATIO * reference) return undefined;
    if (tMs - this.closureStartMs > this.config.maxBlinkMs) return undefined;
    if (value < (this.closureFloor + reference) / 2) {
      this.recovery = [];
      return undefined;
    }
    this.recovery.push({ tMs, value });
    return this.recovery.length >= LOWERED_CONFIRM_READINGS ? this.recovery[0] : undefined;
  }

  /** Ends the closure where the eyes came back up; their readings start the lowered level. */
  private endLowered(recovered: { tMs: number }, tMs: number, value: number): Blink | undefined {
    const back = this.recovery.map((r) => r.value);
    const blink = this.endClosure(recovered.tMs, value, tMs);
    for (const v of back) this.remember(v);
    return blink;
  }

  private remember(value: number): void {
    this.lowered.push(value);
    if (this.lowered.length > LOWERED_WINDOW_READINGS) this.lowered.shift();
  }

  /** Ends the running closure at `endMs`; `value`, read at `readMs`, is the reading ending it. */
  private endClosure(endMs: number, value: number, readMs = endMs): Blink | undefined {
    const startMs = this.closureStartMs;
    const durationMs = endMs - startMs;
    this.toOpen(readMs, value);
    this.recovery = [];
    if (durationMs > this.config.maxBlinkMs) {
      this.closedMsDone += durationMs;
      return undefined;
    }
    if (durationMs < this.config.minBlinkMs) return undefined;
    this.blinks.add(endMs);
    return { startMs, endMs };
  }

  /**
   * A long, steady, only moderately low phase means the open level itself moved (the student leaned
   * back or looks down at the desk), not that the eyes closed: take it as the new baseline. The
   * cost: drooping lids held at ≥ REBASELINE_FLOOR of the old level for seconds read as open.
   */
  private maybeRebaseline(baseline: number): void {
    const first = this.lowPhase[0];
    const last = this.lowPhase[this.lowPhase.length - 1];
    if (!first || !last || last.tMs - first.tMs < REBASELINE_MIN_MS) return;
    // Keep only the last REBASELINE_MIN_MS: enough to judge, bounded for a sleeping student.
    this.lowPhase = this.lowPhase.filter((s) => s.tMs >= last.tMs - REBASELINE_MIN_MS);
    const values = this.lowPhase.map((s) => s.value).sort((a, b) => a - b);
    const at = (share: number) => values[Math.round(share * (values.length - 1))] ?? 0;
    // 10th–90th percentile spread: the few frames of a blink inside the phase do not count.
    const median = at(0.5);
    if (median < REBASELINE_FLOOR * baseline || at(0.9) - at(0.1) > REBASELINE_SPREAD * median) {
      return;
    }
    this.baseline.replace(this.lowPhase);
    this.state = 'open';
    this.lowPhase = [];
    this.lowered = [];
  }

  /** A running low phase that may still turn out to be a new open level is not closed time yet. */
  private clearlyClosed(): boolean {
    const baseline = this.baseline.value;
    if (baseline === undefined) return false;
    const values = this.lowPhase.map((s) => s.value).sort((a, b) => a - b);
    const median = values[Math.floor(values.length / 2)] ?? 0;
    return median < REBASELINE_FLOOR * baseline;
  }
}
