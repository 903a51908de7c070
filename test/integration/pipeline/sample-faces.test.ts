// The 22 faces of face-api's demo photos (evaluation images: nothing was tuned on them) must all be
// found, with no false positive, by the detector alone and by the full pipeline (landmarks).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import { silentLogger } from '../../../src/log/logger.js';
import { FaceDetector } from '../../../src/pipeline/detect/face-detector.js';
import { Pipeline } from '../../../src/pipeline/pipeline.js';
import { DETECTION, EXPRESSION, MODELS, SAMPLES_DIR, sampleTruth, score } from './helpers.js';

const images = new Map<string, ReturnType<typeof cv.imread>>();
const load = (file: string) => {
  let image = images.get(file);
  if (!image) {
    image = cv.imread(join(SAMPLES_DIR, file));
    images.set(file, image);
  }
  return image;
};
const truth = sampleTruth((file) => load(file).cols);

describe('faces in the face-api demo photos', () => {
  const detector = new FaceDetector({ detection: DETECTION, models: MODELS });
  const pipeline = new Pipeline({
    detection: DETECTION,
    expression: EXPRESSION,
    models: MODELS,
    logger: silentLogger(),
  });

  beforeAll(async () => {
    await detector.init();
    await pipeline.init();
  });

  it('has 22 hand-labelled faces', () => {
    expect(truth.reduce((n, image) => n + image.faces.length, 0)).toBe(22);
  });

  it('the detector finds every face once and nothing else', async () => {
    let found = 0;
    let falsePositives = 0;
    for (const image of truth) {
      const detections = await detector.detect(load(image.file));
      const s = score(detections, image.faces);
      found += s.found;
      falsePositives += s.falsePositives;
    }
    expect({ found, falsePositives }).toEqual({ found: 22, falsePositives: 0 });
  });

  it('the pipeline measures every face: landmarks, eyes, pose and an embedding', async () => {
    let found = 0;
    let falsePositives = 0;
    for (const image of truth) {
      const mat = load(image.file);
      const frame = { seq: 0, tMs: 0, width: mat.cols, height: mat.rows, image: mat };
      const result = await pipeline.process(frame, []);
      expect(result.detected).toBe(true);
      const s = score(
        result.observations.map((o) => o.box),
        image.faces,
      );
      found += s.found;
      falsePositives += s.falsePositives;
      for (const o of result.observations) {
        expect(o.landmarks?.length).toBe(478 * 3);
        expect(o.embedding?.length).toBe(128);
        expect(o.pose).toBeDefined();
        // Eye aspect ratios are in their physical range (they are not 0 or wild).
        expect(o.eyes?.left).toBeGreaterThan(0.02);
        expect(o.eyes?.left).toBeLessThan(0.8);
        expect(o.expression).toBeUndefined(); // nobody asked for it
      }
    }
    expect({ found, falsePositives }).toEqual({ found: 22, falsePositives: 0 });
  });
});
