// Back rows found by default: on the classroom composite (src/bench/classroom-recall.ts: 21 real
// faces of 30, 42 and 60 px and 3 front-row faces of 160 px on a background of face-free photo
// and clip patches), the schema's detection defaults find the back rows within the detection runs
// that cover the frame once, with no false hit, and still find every large face. The defaults were
// chosen on this composite (docs/models.md); the sample photos (sample-faces.test.ts) and the
// clips are the checks it was not tuned on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassroomComposite,
  classroomComposite,
  classroomRecall,
} from '../../../src/bench/classroom-recall.js';
import { CROP_MARGIN } from '../../../src/bench/classroom-scene.js';
import { matchFaces } from '../../../src/bench/face-match.js';
import { median } from '../../../src/bench/stats.js';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import { DETECTION, MODELS, ROOT, testClassroom, testPipeline } from './helpers.js';

describe('classroom composite with the default detection settings', () => {
  let composite: ClassroomComposite;

  beforeAll(async () => {
    composite = await classroomComposite(MODELS);
  });

  it('holds 21 back-row faces of 30-60 px and 3 large ones', () => {
    const widths = composite.faces.map((f) => f.faceWidthPx);
    expect(widths.slice(0, composite.backRowCount).sort((a, b) => a - b)).toEqual(
      [30, 42, 60].flatMap((w) => Array(7).fill(w)),
    );
    expect(widths.slice(composite.backRowCount)).toEqual([160, 160, 160]);
  });

  it('fp32: at least 20 of 21 back-row faces, every front-row face, no false hit', async () => {
    const r = await classroomRecall({ detection: DETECTION, models: MODELS, composite });
    expect(r.found).toBeGreaterThanOrEqual(20);
    expect(r.frontFound).toBe(r.frontExpected);
    expect(r.falseHits).toBe(0);
  });

  // The daemon runs int8 by default (needs models/manifest.json from `npm run models`).
  it.skipIf(!existsSync(join(ROOT, 'models/manifest.json')))(
    'int8 (the shipped precision): the same',
    async () => {
      const models = new ModelStore({ dir: join(ROOT, 'models'), precision: 'int8', threads: 2 });
      try {
        const r = await classroomRecall({ detection: DETECTION, models, composite });
        expect(r.found).toBeGreaterThanOrEqual(20);
        expect(r.frontFound).toBe(r.frontExpected);
        expect(r.falseHits).toBe(0);
      } finally {
        await models.close();
      }
    },
  );
});

// End to end: the pipeline with the trackers, as the daemon runs it at 10 fps. Between detection
// runs the faces are followed by FaceMesh, which loses a small face now and then until the next
// detection run that covers its row. Measured (fp32, 2026-12-04): a median of 20 of 21 back-row
// faces per frame from frame 10 on, every front-row face on every frame. Slow (24 faces × 25
// frames, a minute or more on a shared machine): runs with CLASSPULSE_SLOW_TESTS=1.
describe.skipIf(process.env.CLASSPULSE_SLOW_TESTS !== '1')('classroom composite, tracked', () => {
  it('follows at least 20 of 21 back-row faces per frame (median)', {
    timeout: 600_000,
  }, async () => {
    const composite = await classroomComposite(MODELS);
    const pipeline = testPipeline();
    await pipeline.init();
    const room = testClassroom();
    const backFound: number[] = [];
    const falseHits: number[] = [];
    for (let seq = 0; seq < 25; seq++) {
      const tMs = seq * 100;
      const image = composite.scene.render(seq);
      const frame = { seq, tMs, width: image.cols, height: image.rows, image };
      const result = await pipeline.process(frame, room.hints(tMs));
      room.update(result.observations, tMs);
      const boxes = result.observations.map((o) => ({ ...o.box, score: o.score ?? 1 }));
      const m = matchFaces(composite.faces, boxes, CROP_MARGIN);
      const back = m.foundFaces.filter((i) => i < composite.backRowCount).length;
      expect(m.found - back).toBe(composite.faces.length - composite.backRowCount);
      // From frame 10 on, both tile rows have had their detection run (intervalFrames 5).
      if (seq >= 10) {
        backFound.push(back);
        falseHits.push(m.falsePositives);
      }
    }
    expect(median(backFound)).toBeGreaterThanOrEqual(20);
    expect(median(falseHits)).toBe(0);
  });
});
