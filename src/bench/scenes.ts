// The frame sequences the bench plays, and the interleaved runner: every variant sees the same
// frames in the same order, alternating A B / B A per frame so machine noise hits each alike.
import type { Mat } from '../capture/cv.js';
import type { Frame } from '../capture/frame.js';
import { ClassroomScene, cropFaces, type FaceCrop, layoutClassroom } from './classroom-scene.js';
import { clipFrames, type Still, sampleStills } from './real-frames.js';
import { type FrameSample, runFrame, type Variant } from './variants.js';

/** Frames at the start of each scene left out of timings (new faces: detection + embeddings). */
export const WARM_UP_FRAMES = 2;
/** Media time between frames: the clip's 25 fps. */
const FRAME_MS = 40;

export interface Scene {
  name: string;
  frames: number;
  /** Faces composited in (synthetic classroom only). */
  composedFaces?: number;
  /** Leading frames left out of timings; WARM_UP_FRAMES unless set. */
  warmUpFrames?: number;
  frameAt(i: number): Mat;
}

export function clipScene(frames: number): Scene {
  const decoded = clipFrames(frames);
  return { name: 'cap12 clip (400×300)', frames: decoded.length, frameAt: (i) => at(decoded, i) };
}

export function stillScenes(stills: readonly Still[], frames: number): Scene[] {
  return stills.map((still) => ({
    name: `${still.name} (${still.image.cols}×${still.image.rows})`,
    frames,
    frameAt: () => still.image,
  }));
}

/**
 * `warmUpFrames` should cover one detection run per tile row (detection.intervalFrames × tiles),
 * so the timed frames track every face the tiled detector can find, as a running daemon does.
 */
export function classroomScene(
  crops: readonly FaceCrop[],
  faces: number,
  options: { measuredFrames: number; warmUpFrames: number },
): Scene {
  const scene = new ClassroomScene(layoutClassroom(crops, faces));
  return {
    name: `classroom ${faces} faces (1280×720)`,
    frames: options.warmUpFrames + options.measuredFrames,
    warmUpFrames: options.warmUpFrames,
    composedFaces: faces,
    frameAt: (i) => scene.render(i),
  };
}

export { cropFaces, sampleStills };

export interface InterleavedFrame {
  index: number;
  /** Left out of timings. */
  warmUp: boolean;
  /** Per variant key, in the variants' order. */
  samples: Map<string, FrameSample>;
}

/** Plays a scene through every variant from a fresh tracker state, frame by frame. */
/** Called around each variant's frame (the event-loop sampling of the scale section). */
export interface FrameHooks {
  before?: (variant: Variant) => void;
  after?: (variant: Variant) => void;
}

export async function playInterleaved(
  scene: Scene,
  variants: readonly Variant[],
  onFrame: (frame: InterleavedFrame) => void,
  hooks: FrameHooks = {},
): Promise<void> {
  for (const v of variants) v.restart();
  for (let i = 0; i < scene.frames; i++) {
    const image = scene.frameAt(i);
    const frame: Frame = {
      seq: i,
      tMs: i * FRAME_MS,
      width: image.cols,
      height: image.rows,
      image,
    };
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    const samples = new Map<string, FrameSample>();
    for (const v of order) {
      hooks.before?.(v);
      samples.set(v.spec.key, await runFrame(v, frame));
      hooks.after?.(v);
    }
    onFrame({ index: i, warmUp: i < (scene.warmUpFrames ?? WARM_UP_FRAMES), samples });
  }
}

function at(frames: readonly Mat[], i: number): Mat {
  const frame = frames[i % frames.length];
  if (!frame) throw new Error('scene has no frames');
  return frame;
}
