// What the pipeline hands to the trackers. Plain data: no Mats, no model handles.
// Coordinates follow the convention documented on `Frame` (full-frame pixels, top-left origin).

/** An axis-aligned rectangle in frame pixels; (x, y) is its top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One face found by the detector. */
export interface Detection extends Box {
  /** Detector confidence, 0..1. */
  score: number;
}

/** Head pose in degrees. yawDeg > 0: the student turned to their own left; pitchDeg > 0: looking up. */
export interface HeadPose {
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** Eye aspect ratio per eye (lid gap ÷ eye width, unitless; ~0.25-0.35 open, < 0.1 closed). */
export interface EyeOpenness {
  left: number;
  right: number;
}

export const EXPRESSIONS = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgusted',
  'surprised',
] as const;
export type Expression = (typeof EXPRESSIONS)[number];

/** Everything measured about one face in one frame. */
export interface Observation {
  /** Set when the face was measured in the region of an existing track (landmarks follow tracks). */
  trackId?: string;
  box: Box;
  /** Detector confidence when this observation came from a detection in this frame. */
  score?: number;
  /** FaceMesh points (x, y, z interleaved, frame pixels), eye contours refined by the iris model. */
  landmarks?: Float32Array;
  pose?: HeadPose;
  eyes?: EyeOpenness;
  /** 128-D, L2-normalised; only present when the pipeline decided to compute it this frame. */
  embedding?: Float32Array;
  /** Probabilities in EXPRESSIONS order; only present when computed this frame. */
  expression?: Float32Array;
}

/** What the pipeline needs to know about the tracks from the previous frame (read-only). */
export interface TrackHint {
  id: string;
  box: Box;
  /** The tracker wants a fresh embedding (new, uncertain after a crossing/occlusion/jump, or stale). */
  needsEmbedding: boolean;
  /** The tracker wants a fresh expression for this track. */
  needsExpression: boolean;
  /**
   * false: the face is too small for eye measurements (blink.minFacePx), whose eyes the trackers
   * discard; the pipeline then skips the iris model for it. Absent: eyes wanted.
   */
  needsEyes?: boolean;
}

/** The stages the pipeline times per frame (health reports them; the trackers add 'track'). */
export const PIPELINE_STAGES = [
  'detect',
  'mesh',
  'iris',
  'geometry',
  'reid',
  'expression',
  'total',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
