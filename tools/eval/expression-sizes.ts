/**
 * How small a face can be before its expression changes: the threshold behind
 * EXPRESSION_MIN_FACE_PX (src/analyze/face-report.ts, docs/analyze.md).
 *   npx tsx tools/eval/expression-sizes.ts [--sizes 24,32,40,48,56,64,80,96]
 *
 * Every face the pipeline measures in face-api's six demo photos (22, 170-330 px wide) is the
 * reference at full size; the whole photo is then shrunk (OpenCV INTER_AREA, like a camera further
 * away) so that face is N px wide, run through the same pipeline (schema defaults, every face
 * described, as `classpulse analyze` runs it), and the face found again at its scaled centre. Per
 * width: faces found again, top-1 agreement with the full-size expression, and the mean total
 * variation distance between the two probability vectors. Evaluation photos: nothing is tuned on
 * them but this one constant.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cv } from '../../src/capture/cv.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Observation } from '../../src/pipeline/types.js';
import { buildPipeline, openModels } from '../../src/runtime/wiring.js';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'node_modules/@vladmandic/face-api/demo');

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '24,32,40,48,56,64,80,96' } },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
const { config } = loadConfig({});
const models = openModels(config);
const pipeline = await buildPipeline(config, silentLogger(), models, { describeEveryFace: true });

const top = (p: Float32Array): number => p.indexOf(Math.max(...p));
const tv = (a: Float32Array, b: Float32Array): number =>
  a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / 2;

/** A full-size top probability at least this is a clear expression. */
const CLEAR = 0.7;

const rows = new Map(
  sizes.map((s) => [s, { faces: 0, found: 0, agree: 0, tvSum: 0, clear: 0, clearAgree: 0 }]),
);
for (let n = 1; n <= 6; n++) {
  const image = cv.imread(join(SAMPLES, `sample${n}.jpg`));
  const frameOf = (mat: typeof image) => ({
    seq: 0,
    tMs: 0,
    width: mat.cols,
    height: mat.rows,
    image: mat,
  });
  const full = (await pipeline.processStill(frameOf(image))).observations.filter(
    (o): o is Observation & { expression: Float32Array } => o.expression !== undefined,
  );
  for (const face of full) {
    for (const size of sizes) {
      const row = rows.get(size);
      const scale = size / face.box.w;
      if (!row || scale >= 1) continue;
      row.faces++;
      const small = image.resize(
        Math.round(image.rows * scale),
        Math.round(image.cols * scale),
        0,
        0,
        cv.INTER_AREA,
      );
      const cx = (face.box.x + face.box.w / 2) * scale;
      const cy = (face.box.y + face.box.h / 2) * scale;
      const again = (await pipeline.processStill(frameOf(small))).observations.find(
        (o) =>
          o.expression &&
          cx >= o.box.x &&
          cx <= o.box.x + o.box.w &&
          cy >= o.box.y &&
          cy <= o.box.y + o.box.h,
      );
      small.release();
      if (!again?.expression) continue;
      row.found++;
      const same = top(again.expression) === top(face.expression);
      if (same) row.agree++;
      // Clear expressions (the full-size top class at least CLEAR): the ones worth reporting.
      if (Math.max(...face.expression) >= CLEAR) {
        row.clear++;
        if (same) row.clearAgree++;
      }
      row.tvSum += tv(again.expression, face.expression);
    }
  }
}
console.log(
  `| face width | faces found | top-1 as at full size | clear faces (p ≥ ${CLEAR}): top-1 | mean TV distance |`,
);
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const [size, r] of rows) {
  const pct =
    r.found > 0 ? `${Math.round((r.agree / r.found) * 100)} % (${r.agree}/${r.found})` : '-';
  const tvMean = r.found > 0 ? (r.tvSum / r.found).toFixed(3) : '-';
  const clear =
    r.clear > 0
      ? `${Math.round((r.clearAgree / r.clear) * 100)} % (${r.clearAgree}/${r.clear})`
      : '-';
  console.log(`| ${size} px | ${r.found}/${r.faces} | ${pct} | ${clear} | ${tvMean} |`);
}
await models.close();
