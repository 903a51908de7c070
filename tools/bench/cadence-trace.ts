// Per-frame trace of the detector decision in the synthetic classroom, to see why a variant runs
// the detector more often than its cadence: `npx tsx tools/bench/cadence-trace.ts [faces] [--naive]`
// prints, per frame, whether the detector ran, the tracker's hints, the observations, and the
// hinted tracks the pipeline did not report (a missing hint forces the detector next frame).
import { classroomScene, cropFaces, sampleStills } from '../../src/bench/scenes.js';
import { buildVariant } from '../../src/bench/variants.js';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { detectionRounds } from '../../src/pipeline/detect/tiles.js';
import { ModelStore } from '../../src/pipeline/model-store.js';
import type { TrackHint } from '../../src/pipeline/types.js';

const config = loadConfig({}).config;
const faces = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 10);
const naive = process.argv.includes('--naive');
const tiles = config.detection.tiles;
const variant = await buildVariant(
  {
    key: 'trace',
    precision: 'int8',
    floatModels: config.models.floatModels,
    embedEveryFrame: naive,
  },
  { config, logger: silentLogger(), detection: { tiles } },
);
// Crops as the bench makes them: from fp32 detections.
const fp32 = new ModelStore({
  dir: config.models.dir,
  precision: 'fp32',
  threads: config.models.threads,
});
const detector = new FaceDetector({ detection: config.detection, models: fp32 });
await detector.init();
const stills = sampleStills();
const found = new Map<string, Awaited<ReturnType<FaceDetector['detect']>>>();
for (const still of stills) found.set(still.name, await detector.detect(still.image));
const scene = classroomScene(
  cropFaces(stills, (s) => found.get(s.name) ?? []),
  faces,
  {
    measuredFrames: 10,
    warmUpFrames: config.detection.intervalFrames * detectionRounds(1280, 720, tiles) + 1,
  },
);
// The pipeline sees hints only through process(); record them there.
let hints: TrackHint[] = [];
const process_ = variant.pipeline.process.bind(variant.pipeline);
variant.pipeline.process = (frame, given) => {
  hints = given;
  return process_(frame, given);
};
for (let i = 0; i < scene.frames; i++) {
  const image = scene.frameAt(i);
  await variant.perception.process({
    seq: i,
    tMs: i * 40,
    width: image.cols,
    height: image.rows,
    image,
  });
  const observations = variant.pipeline.last?.observations ?? [];
  const seen = new Set(observations.map((o) => o.trackId));
  const missing = hints
    .filter((h) => !seen.has(h.id))
    .map((h) => `${h.id}@${Math.round(h.box.x)},${Math.round(h.box.y)}/${Math.round(h.box.w)}px`);
  console.log(
    `${i}\tdetector ${variant.pipeline.last?.detected ? 'yes' : 'no '}\thints ${hints.length}\tobservations ${observations.length}\tnew ${observations.filter((o) => !o.trackId).length}\tmissing ${missing.join(' ')}`,
  );
}
await variant.close();
await fp32.close();
