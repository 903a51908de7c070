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
import { ModelStore } from '../../../src/pipeline/model-store.js';
import { DETECTION, MODELS, ROOT } from './helpers.js';

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
