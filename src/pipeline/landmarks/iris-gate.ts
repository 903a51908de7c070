// Whether a small face's eyes need the iris model on this frame. FaceMesh's own lids are too coarse
// to measure a blink on a small face (56 px: blink F1 0.96 → 0.84 from them alone), but they dip
// when the eyes close. So on a face below the size where FaceMesh is reused, the iris model runs
// when FaceMesh's lids dip or just dipped, while its own last reading is still low (the eyes have
// not reopened), and at least every `everyFrames` frames; on the other frames the face keeps the
// openness the iris model last measured. Measured in docs/performance.md (table of changes): on
// the blink clips at 56 and 40 px it ran on ~45–55 % of the frames and no blink changed.
import type { EyeOpenness } from '../types.js';
import { eyeOpenness } from './eye-openness.js';

/** What a followed face's eyes remember between frames. Plain data: it lives in RememberedFace. */
export interface EyeMemory {
  /** The openness the iris model last measured. */
  openness: EyeOpenness;
  /** Frames since the iris model ran for this face (0: on the frame remembered). */
  age: number;
  /** FaceMesh's lid readings (mean eye aspect ratio of its two eyes), oldest first. */
  lids: readonly number[];
  /** The iris model's readings (mean of both eyes), oldest first. */
  irisReadings: readonly number[];
  /** Frames left during which the iris model runs whatever the lids say (after a dip). */
  hold: number;
}

/** About 10 s at the default 15 frames/s: long enough that a blink is a small part of it. */
const HISTORY_READINGS = 150;
/** A dip: FaceMesh's lids below this share of their open level (90th percentile of the history). */
const LID_DIP_SHARE = 0.9;
/** ...or this much below the previous reading (a closing that starts from a lowered level). */
const LID_DROP_SHARE = 0.05;
/** Frames the iris model keeps running after a dip: a blink at 15 frames/s spans 2–5 frames. */
const HOLD_FRAMES = 2;
/**
 * The eyes have not reopened while the iris model's last reading is below this share of its open
 * level: carrying a closed reading forward would stretch a blink past `blink.maxBlinkMs` (seen on
 * a head-turn clip before this rule).
 */
const IRIS_LOW_SHARE = 0.85;

function p90(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
}

/** One number for both eyes: their mean. */
function meanOpenness(eyes: EyeOpenness): number {
  return (eyes.left + eyes.right) / 2;
}

/** FaceMesh's lid reading: the mean eye aspect ratio of its own two eyes (crop or frame points). */
export function meshLidReading(points: Float32Array): number {
  return meanOpenness(eyeOpenness(points));
}

/**
 * Does a face with this memory need the iris model, now that FaceMesh read its lids at `lid`?
 * Without a memory (a new face, or one this gate does not apply to) it always does.
 */
export function needsIris(
  memory: EyeMemory | undefined,
  lid: number,
  everyFrames: number,
): boolean {
  if (!memory || everyFrames <= 1) return true;
  if (memory.hold > 0 || memory.age + 1 >= everyFrames) return true;
  if (lidDips(memory, lid)) return true;
  return meanOpenness(memory.openness) < IRIS_LOW_SHARE * p90(memory.irisReadings);
}

function lidDips(memory: EyeMemory, lid: number): boolean {
  const previous = memory.lids.at(-1);
  const level = p90([...memory.lids, lid]);
  return (
    lid < LID_DIP_SHARE * level || (previous !== undefined && lid < previous * (1 - LID_DROP_SHARE))
  );
}

function appended(values: readonly number[], value: number): number[] {
  const out = [...values, value];
  return out.length > HISTORY_READINGS ? out.slice(out.length - HISTORY_READINGS) : out;
}

/**
 * The memory after this frame. `measured`: what the iris model read now (absent when it was
 * skipped and `memory`'s openness stands).
 */
export function rememberEyes(
  memory: EyeMemory | undefined,
  lid: number,
  measured: EyeOpenness | undefined,
): EyeMemory | undefined {
  if (!measured) {
    if (!memory) return undefined;
    return { ...memory, age: memory.age + 1, lids: appended(memory.lids, lid) };
  }
  const dipped = memory !== undefined && lidDips(memory, lid);
  return {
    openness: measured,
    age: 0,
    lids: appended(memory?.lids ?? [], lid),
    irisReadings: appended(memory?.irisReadings ?? [], meanOpenness(measured)),
    hold: dipped ? HOLD_FRAMES : Math.max(0, (memory?.hold ?? 0) - 1),
  };
}
