// Synthetic eye-openness sequences with known blinks, closures and gaps.
import type { EyeOpenness } from '../../../../src/pipeline/types.js';
import { gaussian, mulberry32 } from './random.js';

export interface EyeFrame {
  tMs: number;
  eyes: EyeOpenness | undefined;
}

export interface Closure {
  startMs: number;
  durationMs: number;
}

export interface EyeScript {
  fps: number;
  durationMs: number;
  /** Open-eye aspect ratio at time t (lets a test move the person or change pose). */
  openLevel?: (tMs: number) => number;
  closures?: Closure[];
  /** Share of the open level while closed (0.15: lids almost shut, as a real EAR reads). */
  closedShare?: number;
  /** Standard deviation of per-frame landmark noise, in EAR units. */
  noise?: number;
  /** Intervals without eyes (face turned away, hand in front). */
  gaps?: Array<{ fromMs: number; toMs: number }>;
  seed?: number;
}

export function eyeFrames(script: EyeScript): EyeFrame[] {
  const random = mulberry32(script.seed ?? 1);
  const frameMs = 1000 / script.fps;
  const open = script.openLevel ?? (() => 0.3);
  const closedShare = script.closedShare ?? 0.15;
  const noise = script.noise ?? 0.008;
  const frames: EyeFrame[] = [];
  for (let i = 0; i * frameMs < script.durationMs; i++) {
    const tMs = Math.round(i * frameMs);
    if (script.gaps?.some((g) => tMs >= g.fromMs && tMs < g.toMs)) {
      frames.push({ tMs, eyes: undefined });
      continue;
    }
    const closed = script.closures?.some((c) => tMs >= c.startMs && tMs < c.startMs + c.durationMs);
    const level = open(tMs) * (closed ? closedShare : 1);
    frames.push({
      tMs,
      eyes: {
        left: level + noise * gaussian(random),
        right: level + noise * gaussian(random),
      },
    });
  }
  return frames;
}

/** Closures of `durationMs` every `everyMs`, starting at `firstMs`, before `untilMs`. */
export function periodic(
  firstMs: number,
  everyMs: number,
  untilMs: number,
  durationMs: number,
): Closure[] {
  const out: Closure[] = [];
  for (let t = firstMs; t + durationMs < untilMs; t += everyMs)
    out.push({ startMs: t, durationMs });
  return out;
}
