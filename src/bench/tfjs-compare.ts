// Our pipeline against the tfjs originals doing the same per-frame work on one face, every model
// on every frame: human (BlazeFace + FaceMesh + iris) against ours with detection.model blazeface,
// face-api (SSD MobileNetV1 + 68 landmarks) against ours with ssd-mobilenetv1 (+ FaceMesh + iris,
// more work than face-api's 68 points). Ours is the daemon's Pipeline with detection.intervalFrames
// 1 and no embedding or expression asked for; human runs with its result cache and detector
// skipping off. All four run interleaved on the same frames.
import type { Frame } from '../capture/frame.js';
import type { TrackHint } from '../pipeline/types.js';
import type { Scene } from './scenes.js';
import { WARM_UP_FRAMES } from './scenes.js';
import { median, round } from './stats.js';
import type { TfjsReference } from './tfjs-reference.js';
import type { Variant } from './variants.js';

export interface TfjsComparison {
  frames: number;
  oursBlazeFaceMs: number;
  oursSsdMs: number;
  humanMs: number;
  faceApiMs: number;
  /** Median over frames of human ms ÷ our BlazeFace pipeline's ms on the same frame. */
  vsHuman: number;
  /** Median over frames of face-api ms ÷ our SSD pipeline's ms on the same frame. */
  vsFaceApi: number;
  work: Record<string, string>;
}

/** Times one variant's Pipeline on a frame, following its own face as the daemon would. */
class OursTimer {
  readonly ms: number[] = [];
  private hints: TrackHint[] = [];

  constructor(private readonly variant: Variant) {}

  async time(frame: Frame): Promise<void> {
    const t0 = performance.now();
    const result = await this.variant.pipeline.process(frame, this.hints);
    this.ms.push(performance.now() - t0);
    this.hints = result.observations.map((o, k) => ({
      id: o.trackId ?? `face-${k}`,
      box: o.box,
      needsEmbedding: false,
      needsExpression: false,
    }));
  }
}

export async function compareWithTfjs(options: {
  scene: Scene;
  oursBlazeFace: Variant;
  oursSsd: Variant;
  human: TfjsReference;
  faceApi: TfjsReference;
  onFrame?: () => void;
}): Promise<TfjsComparison> {
  const { scene, human, faceApi } = options;
  const blazeFace = new OursTimer(options.oursBlazeFace);
  const ssd = new OursTimer(options.oursSsd);
  const humanMs: number[] = [];
  const faceApiMs: number[] = [];
  for (let i = 0; i < scene.frames; i++) {
    const image = scene.frameAt(i);
    const frame: Frame = { seq: i, tMs: i * 40, width: image.cols, height: image.rows, image };
    const timeRef = async (ref: TfjsReference, into: number[]) => {
      const t0 = performance.now();
      await ref.frame(image);
      into.push(performance.now() - t0);
    };
    const steps: Array<() => Promise<void>> = [
      () => blazeFace.time(frame),
      () => timeRef(human, humanMs),
      () => ssd.time(frame),
      () => timeRef(faceApi, faceApiMs),
    ];
    // Alternate who goes first so a burst of load does not always fall on the same side.
    for (const step of i % 2 === 0 ? steps : [...steps].reverse()) await step();
    options.onFrame?.();
  }
  const kept = (values: number[]) => values.slice(WARM_UP_FRAMES);
  const paired = (theirs: number[], ours: number[]) =>
    round(median(kept(theirs).map((ms, k) => ms / (kept(ours)[k] ?? Number.NaN))));
  return {
    frames: kept(humanMs).length,
    oursBlazeFaceMs: round(median(kept(blazeFace.ms))),
    oursSsdMs: round(median(kept(ssd.ms))),
    humanMs: round(median(kept(humanMs))),
    faceApiMs: round(median(kept(faceApiMs))),
    vsHuman: paired(humanMs, blazeFace.ms),
    vsFaceApi: paired(faceApiMs, ssd.ms),
    work: {
      oursBlazeFace:
        'daemon Pipeline, int8 with shipped floatModels: BlazeFace on the whole frame, FaceMesh 468 points, iris (both eyes), eye openness and head pose',
      oursSsd: 'the same with SSD MobileNetV1 as detector',
      human: human.work,
      faceApi: faceApi.work,
    },
  };
}
