// What `classpulse analyze` says about one file (docs/schemas/analyze.json): a photo's faces, or a
// video's tracks (per-track summary), a few sampled frames, and the placement verdict. Pure.
import { EXPRESSIONS, type Expression } from '../pipeline/types.js';
import type { FaceReport } from './face-report.js';
import type { Placement } from './placement.js';

interface FileBase {
  file: string;
  width: number;
  height: number;
  faceCount: number;
  /** Smallest face width (photo) or smallest median track width (video), px; null with no face. */
  smallestFacePx: number | null;
  placement: Placement;
  /** Annotated images written for this file (--annotate), else empty. */
  annotated: string[];
}

export interface ImageReport extends FileBase {
  kind: 'image';
  ok: true;
  faces: FaceReport[];
}

export interface TrackSummary {
  track: string;
  framesSeen: number;
  firstS: number;
  lastS: number;
  sizePx: { median: number; min: number; max: number };
  /** Share of the track's frames with eye openness measured. */
  eyesMeasuredShare: number;
  pose: { yawDeg: number; pitchDeg: number; rollDeg: number } | null;
  /** The most frequent top expression and the share of measured frames it led. */
  expression: { top: Expression; share: number } | null;
  /** The daemon's vote (identity.votes in a row within identity.matchDistance) at the track's end. */
  identity: { student: string | null; matchedFrames: number } | null;
}

export interface SampledFrame {
  tMs: number;
  faces: FaceReport[];
}

export interface VideoReport extends FileBase {
  kind: 'video';
  ok: true;
  fps: number;
  /** The frame budget applied (frames per second of media time), or null for every frame. */
  budgetFps: number | null;
  framesAnalysed: number;
  durationS: number;
  tracks: TrackSummary[];
  /** At most FRAME_SAMPLES processed frames, evenly spread (every 2^k-th frame). */
  frames: SampledFrame[];
}

interface FailedReport {
  file: string;
  ok: false;
  error: string;
}

export type FileReport = ImageReport | VideoReport | FailedReport;

export interface AnalyzeReport {
  v: 1;
  limits: { eyesMinFacePx: number; expressionMinFacePx: number; matchDistance: number };
  enrolledStudents: number;
  files: FileReport[];
  summary: { files: number; failed: number; faces: number };
}

/** Most sampled frames a video's JSON carries, however long it is. */
export const FRAME_SAMPLES = 60;

/**
 * Keeps every `step`-th item; when more than `max` are kept, every other one goes and the step
 * doubles: an even spread over a sequence of unknown length in bounded memory.
 */
export class EvenSample<T> {
  private step = 1;
  private index = 0;
  private kept: Array<{ index: number; item: T }> = [];

  constructor(private readonly max: number) {}

  /** True when the next item would be kept (so callers build it only then). */
  get wantsNext(): boolean {
    return this.index % this.step === 0;
  }

  push(item: T | undefined): void {
    if (item !== undefined && this.index % this.step === 0) {
      this.kept.push({ index: this.index, item });
      if (this.kept.length > this.max) {
        this.step *= 2;
        this.kept = this.kept.filter((k) => k.index % this.step === 0);
      }
    }
    this.index++;
  }

  items(): T[] {
    return this.kept.map((k) => k.item);
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** One track's faces over a video, summarised at the end. */
export class TrackTally {
  private readonly sizes: number[] = [];
  private readonly yaws: number[] = [];
  private readonly pitches: number[] = [];
  private readonly rolls: number[] = [];
  private eyesMeasured = 0;
  private readonly tops = new Map<Expression, number>();
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = 0;
  private matched = 0;
  private student: string | null = null;
  private identityKnown = false;

  add(face: FaceReport, tMs: number, student?: string | null): void {
    this.firstMs = Math.min(this.firstMs, tMs);
    this.lastMs = Math.max(this.lastMs, tMs);
    this.sizes.push(face.sizePx);
    if (face.pose) {
      this.yaws.push(face.pose.yawDeg);
      this.pitches.push(face.pose.pitchDeg);
      this.rolls.push(face.pose.rollDeg);
    }
    if (face.eyes.measurable) this.eyesMeasured++;
    if (face.expression) {
      const top = face.expression.top;
      this.tops.set(top, (this.tops.get(top) ?? 0) + 1);
    }
    if (face.identity) {
      this.identityKnown = true;
      if (face.identity.student !== null) this.matched++;
    }
    if (student !== undefined) this.student = student;
  }

  /** A tentative id's faces join the track it became. */
  absorb(other: TrackTally): void {
    this.sizes.push(...other.sizes);
    this.yaws.push(...other.yaws);
    this.pitches.push(...other.pitches);
    this.rolls.push(...other.rolls);
    this.eyesMeasured += other.eyesMeasured;
    for (const [top, n] of other.tops) this.tops.set(top, (this.tops.get(top) ?? 0) + n);
    this.firstMs = Math.min(this.firstMs, other.firstMs);
    this.lastMs = Math.max(this.lastMs, other.lastMs);
    this.matched += other.matched;
    this.identityKnown ||= other.identityKnown;
  }

  get medianSizePx(): number {
    return median(this.sizes);
  }

  summary(track: string): TrackSummary {
    const frames = this.sizes.length;
    let best: { top: Expression; n: number } | undefined;
    for (const top of EXPRESSIONS) {
      const n = this.tops.get(top) ?? 0;
      if (n > 0 && (!best || n > best.n)) best = { top, n };
    }
    const measuredExpressions = [...this.tops.values()].reduce((a, b) => a + b, 0);
    return {
      track,
      framesSeen: frames,
      firstS: Math.round(this.firstMs) / 1000,
      lastS: Math.round(this.lastMs) / 1000,
      sizePx: {
        median: this.medianSizePx,
        min: Math.min(...this.sizes),
        max: Math.max(...this.sizes),
      },
      eyesMeasuredShare: frames > 0 ? Math.round((this.eyesMeasured / frames) * 1000) / 1000 : 0,
      pose:
        this.yaws.length > 0
          ? {
              yawDeg: median(this.yaws),
              pitchDeg: median(this.pitches),
              rollDeg: median(this.rolls),
            }
          : null,
      expression: best
        ? { top: best.top, share: Math.round((best.n / measuredExpressions) * 1000) / 1000 }
        : null,
      identity: this.identityKnown ? { student: this.student, matchedFrames: this.matched } : null,
    };
  }
}
