// Stands in for the pipeline in tracker tests: it turns a scripted scene into observations the way
// the real pipeline would (claims follow the previous tracks' hint boxes; embeddings only when
// asked for) and remembers which person each observation came from, for ground-truth checks.
import type { Box, Observation, TrackHint } from '../../../../src/pipeline/types.js';
import { iou } from '../../../../src/trackers/box-geometry.js';
import type { FaceBank } from './faces.js';

interface SceneFace {
  person: string;
  box: Box;
}

export interface SceneFrame {
  tMs: number;
  faces: SceneFace[];
}

export interface ObserveOptions {
  /** Set trackId from the hint box the face overlaps most (landmarks follow tracks); false: plain detections. */
  claims: boolean;
  /** Test hook: rewrite the claims of this frame (e.g. swap them, as drifting landmarks would). */
  rewriteClaims?: (observations: Observation[]) => void;
}

export class SimulatedPipeline {
  embeddingsComputed = 0;
  private readonly personOf = new WeakMap<Observation, string>();

  constructor(private readonly bank: FaceBank) {}

  observe(frame: SceneFrame, hints: readonly TrackHint[], options: ObserveOptions): Observation[] {
    const free = [...hints];
    const observations: Observation[] = [];
    for (const face of frame.faces) {
      // The hint decides where landmarks (and an embedding, if asked for) are computed; whether
      // the observation carries the track id is up to the scenario.
      const hint = bestHint(face.box, free);
      if (hint) free.splice(free.indexOf(hint), 1);
      const observation: Observation = { box: { ...face.box }, score: 0.9 };
      if (hint && options.claims) observation.trackId = hint.id;
      // A face with no track yet is not embedded here; the tracker asks for it in its next hints.
      if (hint?.needsEmbedding) {
        observation.embedding = this.bank.sample(face.person);
        this.embeddingsComputed += 1;
      }
      this.personOf.set(observation, face.person);
      observations.push(observation);
    }
    options.rewriteClaims?.(observations);
    return observations;
  }

  person(observation: Observation): string | undefined {
    return this.personOf.get(observation);
  }
}

function bestHint(box: Box, hints: readonly TrackHint[]): TrackHint | undefined {
  let best: TrackHint | undefined;
  let bestIou = 0.3;
  for (const hint of hints) {
    const overlap = iou(box, hint.box);
    if (overlap >= bestIou) {
      best = hint;
      bestIou = overlap;
    }
  }
  return best;
}

/** A face moving at constant speed from `from` to `to` over the frames of a scene. */
export function linearPath(from: Box, to: Box, share: number): Box {
  return {
    x: from.x + (to.x - from.x) * share,
    y: from.y + (to.y - from.y) * share,
    w: from.w + (to.w - from.w) * share,
    h: from.h + (to.h - from.h) * share,
  };
}
