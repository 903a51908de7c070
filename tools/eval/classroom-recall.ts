/**
 * Which detection settings find the back rows: recall per face size, false hits and cost of each
 * candidate on the classroom composite of src/bench/classroom-recall.ts (the bench's
 * `classroomRecallDefault` runs the same with the schema defaults).
 *   npx tsx tools/eval/classroom-recall.ts [--cycles N] [--save composite.png] [--only k,k]
 */
import { parseArgs } from 'node:util';
import { classroomComposite, classroomRecall } from '../../src/bench/classroom-recall.js';
import { median } from '../../src/bench/stats.js';
import { cv } from '../../src/capture/cv.js';
import { type Config, sectionDefaults } from '../../src/config/schema.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { detectionWindows } from '../../src/pipeline/detect/tiles.js';
import { ModelStore } from '../../src/pipeline/model-store.js';

type Precision = 'fp32' | 'int8';
interface Candidate {
  precision: Precision;
  detection: Partial<Config['detection']>;
}

const ssd = (tiles: number, minFacePx = 24): Candidate => ({
  precision: 'int8',
  detection: { model: 'ssd-mobilenetv1', tiles, minFacePx },
});
const blazeface = (tiles: number, minFacePx = 24): Candidate => ({
  precision: 'fp32',
  detection: { model: 'blazeface', tiles, minFacePx },
});
const CANDIDATES: Record<string, Candidate> = {
  'ssd-int8-t1': ssd(1),
  'ssd-int8-t2': ssd(2),
  'ssd-int8-t2-min16': ssd(2, 16),
  'ssd-int8-t3': ssd(3),
  'ssd-int8-t3-min16': ssd(3, 16),
  'bf-fp32-t2': blazeface(2),
  'bf-fp32-t2-min16': blazeface(2, 16),
  'bf-fp32-t3': blazeface(3),
  'bf-fp32-t3-min16': blazeface(3, 16),
  'bf-fp32-t4-min16': blazeface(4, 16),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '3' },
      save: { type: 'string' },
      only: { type: 'string' },
      'timing-runs': { type: 'string', default: '15' },
    },
  });
  const stores = {
    fp32: new ModelStore({ dir: 'models', precision: 'fp32', threads: 1 }),
    int8: new ModelStore({ dir: 'models', precision: 'int8', threads: 1 }),
  };
  const composite = await classroomComposite(stores.fp32);
  if (values.save) cv.imwrite(values.save, composite.scene.render(0));
  const names = values.only ? values.only.split(',') : Object.keys(CANDIDATES);
  process.stdout.write(
    '| candidate | 30 px | 42 px | 60 px | back rows | front | false hits | rounds | ms per run |\n|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const name of names) {
    const candidate = CANDIDATES[name];
    if (!candidate) throw new Error(`unknown candidate ${name}`);
    const r = await classroomRecall({
      detection: { ...sectionDefaults('detection'), ...candidate.detection },
      models: stores[candidate.precision],
      cycles: Number(values.cycles),
      composite,
    });
    const sizes = r.bySizePx.map((s) => `${s.found}/${s.expected}`).join(' | ');
    process.stdout.write(
      `| ${name} | ${sizes} | ${r.found}/${r.expected} | ${r.frontFound}/${r.frontExpected} | ${r.falseHits} | ${r.rounds} | ${r.msPerRun.toFixed(1)} |\n`,
    );
  }
  // Cost, measured apart: the candidates take turns on the same frame so that the load of a shared
  // machine hits each alike; median of the runs (the whole frame plus one row of tiles each).
  const frame = composite.scene.render(0);
  const detectors = await Promise.all(
    names.map(async (name) => {
      const c = CANDIDATES[name] as Candidate;
      const detection = { ...sectionDefaults('detection'), ...c.detection };
      const d = new FaceDetector({ detection, models: stores[c.precision] });
      await d.init();
      await d.detect(frame);
      const windows = detectionWindows(frame.cols, frame.rows, detection.tiles, 0).length;
      return { name, d, windows, times: [] as number[] };
    }),
  );
  for (let i = 0; i < Number(values['timing-runs']); i++) {
    for (const x of i % 2 ? [...detectors].reverse() : detectors) {
      const t0 = performance.now();
      await x.d.detect(frame);
      x.times.push(performance.now() - t0);
    }
  }
  process.stdout.write(
    '\n| candidate | windows per run | ms per run (interleaved) |\n|---|---|---|\n',
  );
  for (const x of detectors) {
    process.stdout.write(`| ${x.name} | ${x.windows} | ${median(x.times).toFixed(1)} |\n`);
  }
  await stores.fp32.close();
  await stores.int8.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
