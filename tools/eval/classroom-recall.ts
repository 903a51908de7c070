/**
 * Which detection settings find the back rows: recall per face size, false hits and cost of each
 * candidate on the classroom composite of src/bench/classroom-recall.ts (the bench's
 * `classroomRecallDefault` runs the same with the schema defaults), and on other seatings of it.
 *   npx tsx tools/eval/classroom-recall.ts [--cycles N] [--seatings N] [--timing-runs N]
 *     [--only name,name] [--save composite.png]
 * A seating shifts every back-row face to the next crop (classroomComposite's `shift`); seating 0
 * is the composite the tests and the bench use.
 */
import { parseArgs } from 'node:util';
import { classroomComposite, classroomRecall } from '../../src/bench/classroom-recall.js';
import { median } from '../../src/bench/stats.js';
import { cv } from '../../src/capture/cv.js';
import { type Config, sectionDefaults } from '../../src/config/schema.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { detectionWindows } from '../../src/pipeline/detect/tiles.js';
import { ModelStore } from '../../src/pipeline/model-store.js';

interface Candidate {
  precision: 'fp32' | 'int8';
  detection: Partial<Config['detection']>;
}

const candidate = (
  model: Config['detection']['model'],
  tiles: number,
  minFacePx: number,
  minScore: number,
): [string, Candidate] => [
  `${model === 'blazeface' ? 'BlazeFace fp32' : 'SSD int8'}, tiles ${tiles}, minFacePx ${minFacePx}, minScore ${minScore}`,
  {
    precision: model === 'blazeface' ? 'fp32' : 'int8',
    detection: { model, tiles, minFacePx, minScore },
  },
];

const CANDIDATES = new Map<string, Candidate>([
  candidate('ssd-mobilenetv1', 1, 24, 0.5),
  candidate('ssd-mobilenetv1', 2, 24, 0.5),
  candidate('ssd-mobilenetv1', 2, 16, 0.5),
  candidate('ssd-mobilenetv1', 2, 16, 0.4),
  candidate('ssd-mobilenetv1', 3, 24, 0.5),
  candidate('ssd-mobilenetv1', 3, 16, 0.5),
  candidate('ssd-mobilenetv1', 3, 16, 0.4),
  candidate('blazeface', 2, 16, 0.5),
  candidate('blazeface', 3, 24, 0.5),
  candidate('blazeface', 3, 16, 0.5),
  candidate('blazeface', 4, 16, 0.5),
]);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '3' },
      seatings: { type: 'string', default: '6' },
      'timing-runs': { type: 'string', default: '15' },
      only: { type: 'string' },
      save: { type: 'string' },
    },
  });
  const stores = {
    fp32: new ModelStore({ dir: 'models', precision: 'fp32', threads: 1 }),
    int8: new ModelStore({ dir: 'models', precision: 'int8', threads: 1 }),
  };
  const composites = [];
  for (let shift = 0; shift < Number(values.seatings); shift++) {
    composites.push(await classroomComposite(stores.fp32, { shift }));
  }
  const [first] = composites;
  if (!first) throw new Error('--seatings must be at least 1');
  if (values.save) cv.imwrite(values.save, first.scene.render(0));
  const names = values.only ? values.only.split('|') : [...CANDIDATES.keys()];
  const candidates = names.map((name) => {
    const c = CANDIDATES.get(name);
    if (!c) throw new Error(`unknown candidate "${name}"`);
    return {
      name,
      precision: c.precision,
      detection: { ...sectionDefaults('detection'), ...c.detection },
    };
  });
  process.stdout.write(
    '| candidate | 30 px | 42 px | 60 px | back rows | front | false hits | rounds | back rows, each seating | seatings with a false hit |\n|---|---|---|---|---|---|---|---|---|---|\n',
  );
  for (const c of candidates) {
    const results = [];
    for (const composite of composites) {
      const models = stores[c.precision];
      results.push(
        await classroomRecall({
          detection: c.detection,
          models,
          composite,
          cycles: Number(values.cycles),
        }),
      );
    }
    const [r] = results;
    if (!r) continue;
    const sizes = r.bySizePx.map((s) => `${s.found}/${s.expected}`).join(' | ');
    const each = results.map((x) => x.found).join(', ');
    const withHits = results.filter((x) => x.falseHits > 0).length;
    process.stdout.write(
      `| ${c.name} | ${sizes} | ${r.found}/${r.expected} | ${r.frontFound}/${r.frontExpected} | ${r.falseHits} | ${r.rounds} | ${each} | ${withHits} of ${results.length} |\n`,
    );
  }
  // Cost, measured apart: the candidates take turns on the same frame so that the load of a shared
  // machine hits each alike; median of the runs (the whole frame plus one row of tiles each).
  const frame = first.scene.render(0);
  const timed = await Promise.all(
    candidates.map(async (c) => {
      const d = new FaceDetector({ detection: c.detection, models: stores[c.precision] });
      await d.init();
      await d.detect(frame);
      const windows = detectionWindows(frame.cols, frame.rows, c.detection.tiles, 0).length;
      return { name: c.name, d, windows, times: [] as number[] };
    }),
  );
  for (let i = 0; i < Number(values['timing-runs']); i++) {
    for (const x of i % 2 ? [...timed].reverse() : timed) {
      const t0 = performance.now();
      await x.d.detect(frame);
      x.times.push(performance.now() - t0);
    }
  }
  process.stdout.write('\n| candidate | windows per run | ms per run |\n|---|---|---|\n');
  for (const x of timed) {
    process.stdout.write(`| ${x.name} | ${x.windows} | ${median(x.times).toFixed(1)} |\n`);
  }
  await stores.fp32.close();
  await stores.int8.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
