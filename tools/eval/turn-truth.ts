// Hand-made head-turn truth (test/fixtures/turns, made by eye: docs/ground-truth.md) and the
// scoring of detected turns against it. Pure: used by the accuracy test and the eval script.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { TurnDirection } from '../../src/trackers/head-turn-counter.js';
import { type BlinkScore, rates } from './blink-truth.js';

export interface TruthTurn {
  startFrame: number;
  endFrame: number;
  direction: TurnDirection;
}

export interface TurnTruth {
  /** Relative to the repository root (../shared/... lies beside it). */
  video: string;
  fps: number;
  frames: number;
  /** 'turns': clips with clear turns; 'frontal' / 'talking': no turn by the 20° rule. */
  kind: 'turns' | 'talking' | 'frontal';
  /** Clips whose part beyond this media time is held out: never decode, annotate or tune on it. */
  maxMediaMs?: number;
  turns: TruthTurn[];
  dontCare: Array<{ startFrame: number; endFrame: number; why: string }>;
}

export interface DetectedTurn {
  direction: TurnDirection;
  startMs: number;
  endMs: number;
}

/** The blink scorer's figures, without its 'probable' bookkeeping (turns have none). */
export type TurnScore = Omit<BlinkScore, 'probableMissed'>;

export const ROOT = join(import.meta.dirname, '../..');
export const TURN_FIXTURES = join(ROOT, 'test/fixtures/turns');

export function turnClipNames(): string[] {
  return readdirSync(TURN_FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadTurnTruth(name: string): TurnTruth {
  return JSON.parse(readFileSync(join(TURN_FIXTURES, `${name}.json`), 'utf8')) as TurnTruth;
}

/** The clip's file, or undefined when it is not on this machine (the shared media are optional). */
export function clipPath(truth: TurnTruth): string | undefined {
  const path = isAbsolute(truth.video) ? truth.video : join(ROOT, truth.video);
  return existsSync(path) ? path : undefined;
}

/**
 * A detection matches a truth turn of the same direction when their spans overlap once the truth
 * span is widened by `toleranceMs` each side (the annotation is ±3 frames). Each truth turn and
 * each detection match at most once. Detections overlapping a don't-care span (borderline turns,
 * turns without a seen start or end) are ignored.
 */
export function scoreTurns(
  truth: TurnTruth,
  detected: DetectedTurn[],
  toleranceMs = 200,
): TurnScore {
  const frameMs = 1000 / truth.fps;
  const span = (s: { startFrame: number; endFrame: number }) => ({
    startMs: s.startFrame * frameMs,
    endMs: (s.endFrame + 1) * frameMs,
  });
  const dontCare = truth.dontCare.map(span);
  const candidates = detected.filter(
    (d) => !dontCare.some((c) => d.startMs < c.endMs && d.endMs > c.startMs),
  );
  const used = new Set<number>();
  let truePositives = 0;
  const missedTimesMs: number[] = [];
  for (const turn of truth.turns) {
    const { startMs, endMs } = span(turn);
    const index = candidates.findIndex(
      (d, i) =>
        !used.has(i) &&
        d.direction === turn.direction &&
        d.startMs < endMs + toleranceMs &&
        d.endMs > startMs - toleranceMs,
    );
    if (index >= 0) {
      used.add(index);
      truePositives++;
    } else {
      missedTimesMs.push(Math.round(startMs));
    }
  }
  const falsePositiveTimesMs = candidates
    .filter((_, i) => !used.has(i))
    .map((d) => Math.round(d.startMs));
  return summarise(
    truth.turns.length,
    candidates.length,
    truePositives,
    falsePositiveTimesMs,
    missedTimesMs,
  );
}

/** Scores summed over several clips (micro-averaged). */
export function combineTurnScores(scores: TurnScore[]): TurnScore {
  const sum = (key: 'truth' | 'detected' | 'truePositives') =>
    scores.reduce((acc, s) => acc + s[key], 0);
  return summarise(
    sum('truth'),
    sum('detected'),
    sum('truePositives'),
    scores.flatMap((s) => s.falsePositiveTimesMs),
    scores.flatMap((s) => s.missedTimesMs),
  );
}

function summarise(
  truth: number,
  detected: number,
  truePositives: number,
  falsePositiveTimesMs: number[],
  missedTimesMs: number[],
): TurnScore {
  const fp = falsePositiveTimesMs.length;
  const fn = missedTimesMs.length;
  return {
    truth,
    detected,
    truePositives,
    falsePositives: fp,
    falseNegatives: fn,
    ...rates(truePositives, fp, fn),
    falsePositiveTimesMs,
    missedTimesMs,
  };
}

/** The `turn` lines of a `classpulse replay --trace` output (JSON lines; other types skipped). */
export function turnsFromTrace(jsonl: string): DetectedTurn[] {
  const turns: DetectedTurn[] = [];
  for (const [i, line] of jsonl.split('\n').entries()) {
    if (line.trim() === '') continue;
    let event: { type?: string; direction?: TurnDirection; startMs?: number; endMs?: number };
    try {
      event = JSON.parse(line) as typeof event;
    } catch (error) {
      throw new Error(`trace line ${i + 1} is not JSON: ${(error as Error).message}`);
    }
    if (event.type !== 'turn') continue;
    const { direction, startMs, endMs } = event;
    if (
      (direction !== 'left' && direction !== 'right') ||
      typeof startMs !== 'number' ||
      typeof endMs !== 'number'
    ) {
      throw new Error(`trace line ${i + 1}: a turn needs direction, startMs and endMs`);
    }
    turns.push({ direction, startMs, endMs });
  }
  return turns;
}
