// The 22 faces of face-api's demo photos (evaluation images: nothing was tuned on them) must all be
// found, with no false positive, by the detector alone and by the full pipeline (landmarks).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import { FaceDetector } from '../../../src/pipeline/detect/face-detector.js';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import type { Detection } from '../../../src/pipeline/types.js';
import {
  DETECTION,
  MODELS,
  matches,
  ROOT,
  SAMPLES_DIR,
  sampleTruth,
  score,
  testPipeline,
} from './helpers.js';

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
  const pipeline = testPipeline();

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

  it('with tiles = 3 finds ~30 px back-row faces in a 1280×720 frame', async () => {
    // Four copies of sample3 shrunk to 15 % (faces 25-35 px wide) on a grey 1280×720 frame.
    const scale = 0.15;
    const source = load('sample3.jpg');
    const small = source.rescale(scale);
    const frame = new cv.Mat(720, 1280, cv.CV_8UC3, [90, 90, 90]);
    const spots = [
      { x: 40, y: 60 },
      { x: 480, y: 80 },
      { x: 900, y: 300 },
      { x: 200, y: 450 },
    ];
    const sample3 = truth.find((t) => t.file === 'sample3.jpg')?.faces ?? [];
    const faces = spots.flatMap((spot) => {
      small.copyTo(frame.getRegion(new cv.Rect(spot.x, spot.y, small.cols, small.rows)));
      return sample3.map((f) => ({
        cx: spot.x + f.cx * scale,
        cy: spot.y + f.cy * scale,
        w: f.w * scale,
      }));
    });
    expect(faces).toHaveLength(12);
    const tiled = new FaceDetector({
      detection: { ...DETECTION, tiles: 3, minFacePx: 16 },
      models: MODELS,
    });
    await tiled.init();
    expect(score(await tiled.detect(frame, { allTiles: true }), faces)).toEqual({
      found: 12,
      falsePositives: 0,
    });
    // Run by run (one row of tiles each, as the pipeline does), three runs find them all.
    const perRun: Detection[] = [];
    for (let run = 0; run < 3; run++) perRun.push(...(await tiled.detect(frame)));
    const foundOverRuns = faces.filter((f) => perRun.some((d) => matches(d, f))).length;
    expect(foundOverRuns).toBe(12);
    expect(score(perRun, faces).falsePositives).toBe(0);
  });

  it('BlazeFace (the fast detector) on the whole photo finds nearly all faces and nothing else', async () => {
    // Untiled: tiles of these 1920 px photos show BlazeFace false hits (1 with 2 rows, 9 with 3;
    // docs/models.md), one reason it is not the default.
    const blazeface = new FaceDetector({
      detection: { ...DETECTION, model: 'blazeface', tiles: 1 },
      models: MODELS,
    });
    await blazeface.init();
    let found = 0;
    let falsePositives = 0;
    for (const image of truth) {
      const s = score(await blazeface.detect(load(image.file)), image.faces);
      found += s.found;
      falsePositives += s.falsePositives;
    }
    // Measured 21 of 22 (it misses the lowered face in sample2); the bound is not tuned.
    expect(found).toBeGreaterThanOrEqual(20);
    expect(falsePositives).toBe(0);
  });
});

// The daemon runs int8 by default, through ModelStore (sha256-checked). Needs models/manifest.json
// from `npm run models`.
const manifest = join(ROOT, 'models/manifest.json');
describe.skipIf(!existsSync(manifest))(
  'the same photos with the int8 models via ModelStore',
  () => {
    const pipeline = testPipeline({
      models: new ModelStore({ dir: join(ROOT, 'models'), precision: 'int8', threads: 2 }),
    });

    beforeAll(async () => {
      await pipeline.init();
    });

    it('finds and measures every face with no false positive', async () => {
      let found = 0;
      let falsePositives = 0;
      for (const image of truth) {
        const mat = load(image.file);
        const frame = { seq: 0, tMs: 0, width: mat.cols, height: mat.rows, image: mat };
        const result = await pipeline.process(frame, []);
        const s = score(
          result.observations.filter((o) => o.landmarks !== undefined).map((o) => o.box),
          image.faces,
        );
        found += s.found;
        falsePositives += s.falsePositives;
      }
      expect({ found, falsePositives }).toEqual({ found: 22, falsePositives: 0 });
    });
  },
);
