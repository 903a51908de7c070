// Whether a face's eye readings are steady enough for blinks to mean anything. A blink is a drop of
// a third of the open-eye level; when the reading itself jumps by a sizeable share of its level from
// one frame to the next on a still face, every jump looks like a blink. Seen on the 30-face classroom
// clip: a student looking down (lids low, lashes over the eye) read 0.10 and 0.23 on alternate frames
// of a still photo, which the blink detector counted as 88 blinks in 20 s and a "tired" alert.
// Real blinks are short and rare: a few large changes in a window of 30 frames, which the window's
// 75th percentile of frame-to-frame change ignores, while a face that reads open on one frame in
// three or more moves it. The change is measured against the open-eye level, not the window's own
// level: closed eyes read low, and their ordinary noise is a large share of that low reading
// without making anything up.

import { percentile } from './open-eye-baseline.js';

/** The trailing window the steadiness is judged on. */
const WINDOW_MS = 2000;
/** Readings needed in the window (and the span they cover) before there is a verdict. */
const MIN_SAMPLES = 8;
const MIN_SPAN_MS = 1000;
/** Share of the window's frame-to-frame changes at or below the one that measures the jitter. */
const JITTER_PERCENTILE = 0.75;
/**
 * Jitter (that change over the open-eye level) above which the eyes are unsteady, and below which
 * they are steady again (hysteresis). Chosen between what was measured on the development clips
 * (docs/perception.md): the blink clips scaled to 80, 56 and 40 px reached at most 0.23 (franck at
 * 40 px), the classroom clip's steady faces at most 0.15, its two flickering faces never less
 * than 0.35.
 */
const UNSTEADY_ABOVE = 0.27;
const STEADY_BELOW = 0.2;
/** Without a known open-eye level, the window's own high percentile stands for it. */
const OPEN_PERCENTILE = 0.9;

interface Reading {
  tMs: number;
  value: number;
}

export class EyeSignalQuality {
  private readings: Reading[] = [];
  private unsteady = false;
  private known = false;

  constructor(private readonly maxGapMs: number) {}

  /**
   * One frame's combined eye openness (undefined: no eyes, a gap) and the face's open-eye level
   * when it is known (the blink detector's baseline).
   */
  push(tMs: number, value: number | undefined, openLevel?: number): void {
    if (value === undefined || !(value > 0)) return;
    const last = this.readings[this.readings.length - 1];
    // A gap makes the old readings a different scene (the face was lost or too small).
    if (last && tMs - last.tMs > this.maxGapMs) this.readings = [];
    this.readings.push({ tMs, value });
    while ((this.readings[0]?.tMs ?? tMs) < tMs - WINDOW_MS) this.readings.shift();
    this.judge(openLevel);
  }

  /** There has been a second of readings to judge them on (once true, stays true). */
  get judged(): boolean {
    return this.known;
  }

  /** Eye readings are steady enough to count blinks on (false until there is a verdict). */
  get steady(): boolean {
    return this.known && !this.unsteady;
  }

  /**
   * The window's JITTER_PERCENTILE frame-to-frame change over the open-eye level (undefined: too
   * few readings yet).
   */
  jitter(openLevel?: number): number | undefined {
    const first = this.readings[0];
    const last = this.readings[this.readings.length - 1];
    if (!first || !last || this.readings.length < MIN_SAMPLES) return undefined;
    if (last.tMs - first.tMs < MIN_SPAN_MS) return undefined;
    const level =
      openLevel ??
      percentile(
        this.readings.map((r) => r.value),
        OPEN_PERCENTILE,
      );
    const changes = this.readings
      .slice(1)
      .map((r, i) => Math.abs(r.value - (this.readings[i]?.value ?? r.value)));
    return level > 0 ? percentile(changes, JITTER_PERCENTILE) / level : undefined;
  }

  private judge(openLevel: number | undefined): void {
    const jitter = this.jitter(openLevel);
    if (jitter === undefined) return;
    this.known = true;
    this.unsteady = jitter > (this.unsteady ? STEADY_BELOW : UNSTEADY_ABOVE);
  }
}
