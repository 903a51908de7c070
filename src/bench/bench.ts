// `classpulse bench`: one run that measures per-stage latency and end-to-end frame time and, on
// the same frames, the ratios the performance targets are about (docs/performance.md).
import { cpus, loadavg } from 'node:os';
import { ProgressBar } from '../cli/progress-bar.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { backedOffScale } from '../pipeline/detect/detection-schedule.js';
import { FaceDetector } from '../pipeline/detect/face-detector.js';
import { detectionRounds } from '../pipeline/detect/tiles.js';
import { inferenceWorkers } from '../runtime/wiring.js';
import { classroomComposite, classroomRecall } from './classroom-recall.js';
import { runClassroomScale } from './classroom-scale.js';
import { SCENE_HEIGHT_PX, SCENE_WIDTH_PX } from './classroom-scene.js';
import { BenchCollector } from './collector.js';
import { type BenchReport, targetsOf } from './report.js';
import {
  classroomScene,
  clipScene,
  cropFaces,
  playInterleaved,
  type Scene,
  sampleStills,
  stillScenes,
} from './scenes.js';
import { median, round } from './stats.js';
import { compareWithTfjs } from './tfjs-compare.js';
import { loadFaceApi, loadHuman } from './tfjs-reference.js';
import { buildVariant, type Variant, type VariantSpec } from './variants.js';

export interface BenchOptions {
  config: Config;
  logger: Logger;
  /** A short run for tests: fewer frames and face counts, same report shape. */
  quick: boolean;
  stderr?: NodeJS.WriteStream;
}

interface Plan {
  clipFrames: number;
  stills: number;
  stillFrames: number;
  /** Timed frames per classroom scene, after its warm-up. */
  classroomFrames: number;
  faceCounts: number[];
  tfjsFrames: number;
}

const FULL: Plan = {
  clipFrames: 30,
  stills: 6,
  stillFrames: 5,
  classroomFrames: 10,
  faceCounts: [1, 5, 10, 20, 30],
  tfjsFrames: 20,
};
const QUICK: Plan = {
  clipFrames: 5,
  stills: 1,
  stillFrames: 3,
  classroomFrames: 2,
  faceCounts: [1, 10],
  tfjsFrames: 4,
};
/** The reuse comparison's face count (the spec's "at 10 faces"). */
const REUSE_FACES = 10;

type VariantSet = Map<string, Variant>;

async function openVariants(
  specs: VariantSpec[],
  options: { config: Config; logger: Logger; detection?: Partial<Config['detection']> },
  progress: ProgressBar,
): Promise<VariantSet> {
  const set: VariantSet = new Map();
  for (const spec of specs) {
    set.set(spec.key, await buildVariant(spec, options));
    progress.tick();
  }
  return set;
}

async function closeAll(set: VariantSet): Promise<void> {
  for (const v of set.values()) await v.close();
}

function pick(set: VariantSet, keys: readonly string[]): Variant[] {
  return keys.map((key) => {
    const v = set.get(key);
    if (!v) throw new Error(`bench: no variant ${key}`);
    return v;
  });
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const { config, logger } = options;
  const plan = options.quick ? QUICK : FULL;
  const floatModels = config.models.floatModels;
  const precisionSpecs: VariantSpec[] = [
    { key: 'int8', precision: 'int8', floatModels },
    { key: 'int8NoFloat', precision: 'int8', floatModels: '' },
    { key: 'fp32', precision: 'fp32', floatModels: '' },
  ];
  const naiveSpec: VariantSpec = {
    key: 'naive',
    precision: 'int8',
    floatModels,
    embedEveryFrame: true,
  };
  const precisionKeys = precisionSpecs.map((s) => s.key);
  const realFrames = plan.clipFrames + plan.stills * plan.stillFrames;
  // The classroom runs with the configured tiling (the default tiles finds its 30 px faces).
  const classroomTiles = config.detection.tiles;
  const rounds = detectionRounds(SCENE_WIDTH_PX, SCENE_HEIGHT_PX, classroomTiles);
  // Until every tile row has had its detection run; a quick run only needs the first faces.
  const classroomWarmUp = options.quick ? 2 : config.detection.intervalFrames * rounds + 1;
  const classroomFrames = classroomWarmUp + plan.classroomFrames;
  // The scale rows time the daemon's steady state in a settled class: after the detection
  // interval has backed off to detection.maxIntervalFrames, over at least one such interval, so
  // the frame times carry the detector's cost at the rate a settled class pays it.
  const scaleWarmUp = options.quick
    ? 2
    : classroomWarmUp + settlingFrames(config.detection, rounds);
  const scaleMeasured = options.quick
    ? plan.classroomFrames
    : Math.max(plan.classroomFrames, config.detection.maxIntervalFrames);
  const scaleFrames = scaleWarmUp + scaleMeasured;
  const progress = new ProgressBar({
    total:
      11 +
      3 * realFrames +
      classroomFrames * (plan.faceCounts.length + 3) +
      scaleFrames * 2 * plan.faceCounts.length +
      plan.tfjsFrames,
    name: 'bench',
    ...(options.stderr ? { out: options.stderr } : {}),
  });
  const collector = new BenchCollector();

  // Real frames at the configured detection: int8 (shipped float models), int8 all, fp32.
  // 9 model sets in all: 3 for real frames, 4 for the classroom, 2 for the tfjs comparison.
  progress.step('loading models');
  let set = await openVariants(precisionSpecs, { config, logger }, progress);
  const stills = sampleStills();
  const [fp32] = pick(set, ['fp32']);
  if (!fp32) throw new Error('bench: no fp32 variant');
  // Crops come from fp32 detections, so the faces pasted do not depend on quantisation.
  const detector = new FaceDetector({ detection: config.detection, models: fp32.models });
  await detector.init();
  const found = new Map<string, Awaited<ReturnType<FaceDetector['detect']>>>();
  for (const still of stills) found.set(still.name, await detector.detect(still.image));
  const crops = cropFaces(stills, (still) => found.get(still.name) ?? []);
  // Back rows with the configured detector (int8, as the daemon runs it) on the recall composite,
  // whose faces are cut by the fp32 SSD like the crops above.
  const [int8] = pick(set, ['int8']);
  if (!int8) throw new Error('bench: no int8 variant');
  const recall = await classroomRecall({
    detection: config.detection,
    models: int8.models,
    composite: await classroomComposite(fp32.models),
    cycles: options.quick ? 1 : 3,
  });
  const realScenes: Scene[] = [
    clipScene(plan.clipFrames),
    ...stillScenes(stills.slice(0, plan.stills), plan.stillFrames),
  ];
  for (const scene of realScenes) {
    progress.step(`int8 vs fp32: ${scene.name}`);
    const record = collector.recorder(scene, set);
    await playInterleaved(scene, pick(set, precisionKeys), (f) => {
      progress.tick(precisionKeys.length);
      record(f);
    });
  }
  await closeAll(set);

  // The synthetic classroom, tiled; naive embedding joins at the reuse face count.
  set = await openVariants(
    [...precisionSpecs, naiveSpec],
    { config, logger, detection: { tiles: classroomTiles } },
    progress,
  );
  for (const faces of plan.faceCounts) {
    const scene = classroomScene(crops, faces, {
      measuredFrames: plan.classroomFrames,
      warmUpFrames: classroomWarmUp,
    });
    const keys = faces === REUSE_FACES ? [...precisionKeys, naiveSpec.key] : ['int8'];
    progress.step(`${keys.join('/')}: ${scene.name}`);
    const record = collector.recorder(scene, set);
    await playInterleaved(scene, pick(set, keys), (f) => {
      progress.tick(keys.length);
      record(f);
    });
  }
  await closeAll(set);
  const rssSteadyMb = median(collector.rssMb.slice(Math.floor(collector.rssMb.length / 2)));
  const rssPeakMb = Math.max(...collector.rssMb);

  // Classroom scale: the daemon's settings in one lane and in the inference pool.
  const scale = await runClassroomScale({
    config,
    logger,
    crops,
    faceCounts: plan.faceCounts,
    warmUpFrames: scaleWarmUp,
    measuredFrames: scaleMeasured,
    workers: inferenceWorkers(config),
    tiles: classroomTiles,
    progress,
  });
  progress.tick(2);

  progress.step('tfjs reference (human, face-api)');
  // Each side of the tfjs comparison detects on every frame with the detector its reference uses.
  const everyFrame = (model: Config['detection']['model']) => ({
    config,
    logger,
    detection: { intervalFrames: 1, maxIntervalFrames: 1, tiles: 1, model },
  });
  const blazeFace = await buildVariant(
    { key: 'blazeface', precision: 'int8', floatModels },
    everyFrame('blazeface'),
  );
  const ssd = await buildVariant(
    { key: 'ssd', precision: 'int8', floatModels },
    everyFrame('ssd-mobilenetv1'),
  );
  progress.tick(2);
  const tfjs = await compareWithTfjs({
    scene: clipScene(plan.tfjsFrames),
    oursBlazeFace: blazeFace,
    oursSsd: ssd,
    human: await loadHuman(),
    faceApi: await loadFaceApi(),
    onFrame: () => progress.tick(),
  });
  await blazeFace.close();
  await ssd.close();
  progress.finish();

  const ratios = {
    ...collector.precisionRatios(),
    vsTfjsReference: tfjs.vsHuman,
    vsFaceApi: tfjs.vsFaceApi,
    reuseVsNaive10Faces: collector.reuseRatio(),
    overheadVsModelTime: round(median(collector.endToEndOverModel)),
  };
  const rssMb = {
    steady: round(rssSteadyMb),
    peak: round(rssPeakMb),
    afterTfjs: round(process.memoryUsage.rss() / 2 ** 20),
  };
  const medianOf = (values: number[]) => round(median(values));
  return {
    version: 1,
    quick: options.quick,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model.trim() ?? 'unknown',
      loadAverage1m: round(loadavg()[0] ?? 0),
      node: process.version,
    },
    config: {
      threads: config.models.threads,
      detector: config.detection.model,
      intervalFrames: config.detection.intervalFrames,
      maxIntervalFrames: config.detection.maxIntervalFrames,
      floatModels,
      classroomTiles,
    },
    ratios,
    targets: targetsOf(ratios, scale, recall),
    stages: collector.stageRows(),
    faceCounts: collector.faceCountRows(),
    precision: {
      medianMs: {
        int8: medianOf(collector.precisionMs.int8),
        int8NoFloat: medianOf(collector.precisionMs.int8NoFloat),
        fp32: medianOf(collector.precisionMs.fp32),
      },
      agreement: {
        int8: collector.agreeInt8.result(),
        int8NoFloat: collector.agreeInt8NoFloat.result(),
      },
    },
    tfjs,
    reuse: {
      naiveMs: medianOf(collector.reuse.naiveMs),
      reuseMs: medianOf(collector.reuse.reuseMs),
      naiveReidMs: medianOf(collector.reuse.naiveReidMs),
      reuseReidMs: medianOf(collector.reuse.reuseReidMs),
      naiveDetectFrames: collector.reuse.naiveDetectFrames,
      reuseDetectFrames: collector.reuse.reuseDetectFrames,
    },
    cadenceMismatchFrames: {
      int8VsFp32: collector.cadenceMismatch.fp32,
      reuseVsNaive10Faces: collector.cadenceMismatch.naive,
    },
    rssMb,
    scale,
    classroomRecallDefault: {
      found: recall.found,
      expected: recall.expected,
      falseHits: recall.falseHits,
      frontFound: recall.frontFound,
      frontExpected: recall.frontExpected,
      msPerRun: round(recall.msPerRun),
    },
    wallS: round((performance.now() - started) / 1000),
  };
}

/**
 * Frames a settled scene takes to back the detection interval off from intervalFrames to
 * maxIntervalFrames: one quiet coverage (a run per tile row) at each interval below the longest.
 */
function settlingFrames(detection: Config['detection'], rounds: number): number {
  let frames = 0;
  for (let scale = 1; ; ) {
    const next = backedOffScale(scale, detection);
    if (next <= scale) return frames;
    frames += Math.round(detection.intervalFrames * scale) * rounds;
    scale = next;
  }
}
