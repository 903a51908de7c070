// One measured face as `classpulse analyze` reports it (docs/schemas/analyze.json, "face"): plain
// data from an Observation, rounded for people, with each measurement either given or said to be
// not measurable (and why). Pure: no OpenCV, no models.
import {
  EXPRESSIONS,
  type Expression,
  type HeadPose,
  type Observation,
} from '../pipeline/types.js';

/**
 * Face width (px, landmark box) below which analyze calls the expression unreliable. The daemon has
 * no such cut-off. Measured with tools/eval/expression-sizes.ts (face-api demo photos, every face
 * shrunk to a set width, compared with the same face at full size; docs/analyze.md): from 36 px on,
 * the probabilities move no more than at 48-96 px (mean total variation 0.07-0.14); at 32 px 0.17,
 * at 24 px 0.27. 40 keeps a step of that grid in hand. Widths as `analyze` measures them (a photo
 * read until its regions are levelled); with the single reading's wider boxes it was 48.
 */
export const EXPRESSION_MIN_FACE_PX = 40;

/** The limits a face is judged against (from the config, and the constant above). */
export interface SizeLimits {
  /** blink.minFacePx: the daemon measures no eyes below it (`eyesMeasurable` false). */
  eyesMinFacePx: number;
  expressionMinFacePx: number;
}

/** The nearest enrolled student, with the daemon's threshold (identity.matchDistance) applied. */
export interface FaceIdentity {
  /** Enrolled id when the distance is within identity.matchDistance, else null (unknown face). */
  student: string | null;
  /** Nearest enrolled student and distance, matched or not (for judging the threshold). */
  nearest: string;
  distance: number;
}

export interface FaceReport {
  /** f1, f2… in a photo (left to right); the track id (anon-N) in a video. */
  label: string;
  box: { x: number; y: number; w: number; h: number };
  /** Face width in px: the landmark box (the detector box when FaceMesh found no face). */
  sizePx: number;
  /** Detector confidence when the detector ran on this frame. */
  score: number | null;
  /** FaceMesh measured the face (false: only the detector saw it: too small or turned away). */
  landmarks: boolean;
  pose: HeadPose | null;
  eyes: {
    measurable: boolean;
    /** Eye aspect ratio (lid gap ÷ eye width); ~0.25-0.35 open, < 0.1 closed. */
    left: number | null;
    right: number | null;
    /** Why not measurable. */
    reason?: string;
  };
  expression: {
    top: Expression;
    probabilities: Record<Expression, number>;
    /** The face is at least expressionMinFacePx wide. */
    reliable: boolean;
  } | null;
  /** null when no student is enrolled. */
  identity: FaceIdentity | null;
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Reported for a measured face, as the daemon would judge it at this size. */
export function faceReport(
  observation: Observation,
  label: string,
  limits: SizeLimits,
  identity: FaceIdentity | null,
): FaceReport {
  const { box } = observation;
  const sizePx = Math.round(box.w);
  return {
    label,
    box: {
      x: Math.round(box.x),
      y: Math.round(box.y),
      w: Math.round(box.w),
      h: Math.round(box.h),
    },
    sizePx,
    score: observation.score === undefined ? null : round(observation.score, 3),
    landmarks: observation.landmarks !== undefined,
    pose: observation.pose
      ? {
          yawDeg: round(observation.pose.yawDeg, 1),
          pitchDeg: round(observation.pose.pitchDeg, 1),
          rollDeg: round(observation.pose.rollDeg, 1),
        }
      : null,
    eyes: eyesOf(observation, sizePx, limits),
    expression: expressionOf(observation, sizePx, limits),
    identity,
  };
}

function eyesOf(observation: Observation, sizePx: number, limits: SizeLimits): FaceReport['eyes'] {
  if (sizePx < limits.eyesMinFacePx) {
    return {
      measurable: false,
      left: null,
      right: null,
      reason: `face ${sizePx} px < blink.minFacePx ${limits.eyesMinFacePx}`,
    };
  }
  if (!observation.eyes) {
    return {
      measurable: false,
      left: null,
      right: null,
      reason: observation.landmarks ? 'eyes not refined' : 'no landmarks (turned away or hidden)',
    };
  }
  return {
    measurable: true,
    left: round(observation.eyes.left, 3),
    right: round(observation.eyes.right, 3),
  };
}

function expressionOf(
  observation: Observation,
  sizePx: number,
  limits: SizeLimits,
): FaceReport['expression'] {
  const scores = observation.expression;
  if (!scores) return null;
  let top: Expression = EXPRESSIONS[0];
  const probabilities = {} as Record<Expression, number>;
  EXPRESSIONS.forEach((name, i) => {
    probabilities[name] = round(scores[i] ?? 0, 3);
    if ((scores[i] ?? 0) > (scores[EXPRESSIONS.indexOf(top)] ?? 0)) top = name;
  });
  return { top, probabilities, reliable: sizePx >= limits.expressionMinFacePx };
}
