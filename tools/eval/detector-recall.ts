/**
 * Which face detector to ship: recall on small faces (30–60 px wide in a 1280×720 frame, the back
 * rows of a classroom) against the cost of one detection run, for every detector and precision.
 *   npx tsx tools/eval/detector-recall.ts [--frames N] [--runs N] [--min-face-px N]
 *
 * Ground truth by construction: the 22 faces of face-api's sample1-6.jpg are cut out (boxes from
 * the fp32 SSD, which finds all 22 there) and pasted at a known size and place onto a plain
 * 1280×720 frame, every face at one size per frame; each face sways by a pixel or two between the
 * frames. A detection counts if its centre lies within half a face width of a pasted face's centre
 * and its width is within 0.5–2× (one detection per face); anything else is a false positive.
 * Caveat: the faces were cut with SSD's boxes, and all come from six photos.
 */
import { parseArgs } from 'node:util';
import {
  ClassroomScene,
  CROP_MARGIN,
  cropFaces,
  type FaceCrop,
  type PlacedFace,
  SCENE_HEIGHT_PX,
  SCENE_WIDTH_PX,
} from '../../src/bench/classroom-scene.js';
import { matchFaces } from '../../src/bench/face-match.js';
import { sampleStills } from '../../src/bench/real-frames.js';
import { median } from '../../src/bench/stats.js';
import type { Mat } from '../../src/capture/cv.js';
import { sectionDefaults } from '../../src/config/schema.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { ModelStore } from '../../src/pipeline/model-store.js';
import type { Detection } from '../../src/pipeline/types.js';

const SIZES_PX = [30, 40, 50, 60];
const DETECTORS = ['ssd-mobilenetv1', 'tiny-face-detector', 'blazeface'] as const;
type DetectorName = (typeof DETECTORS)[number];

/** Every crop once, on a grid, all at `faceWidthPx`; grid cells leave a face's width between crops. */
function layoutAt(crops: readonly FaceCrop[], faceWidthPx: number): PlacedFace[] {
  const cell = Math.ceil(faceWidthPx * (CROP_MARGIN + 1));
  const cols = Math.floor(SCENE_WIDTH_PX / cell);
  const rows = Math.ceil(crops.length / cols);
  if (rows * cell > SCENE_HEIGHT_PX)
    throw new Error(`${crops.length} faces of ${faceWidthPx} px do not fit`);
  return crops.map((crop, i) => ({
    crop,
    faceWidthPx,
    xPx: (i % cols) * cell + Math.round((cell - faceWidthPx * CROP_MARGIN) / 2),
    yPx: Math.floor(i / cols) * cell + Math.round((cell - faceWidthPx * CROP_MARGIN) / 2),
  }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string', default: '3' },
      runs: { type: 'string', default: '7' },
      'min-face-px': { type: 'string' },
    },
  });
  const frames = Number(values.frames);
  const runs = Number(values.runs);
  const configured = sectionDefaults('detection');
  const minFacePx = Number(values['min-face-px'] ?? configured.minFacePx);
  const defaults = { ...configured, minFacePx };
  const stores = {
    fp32: new ModelStore({ dir: 'models', precision: 'fp32', threads: 1 }),
    int8: new ModelStore({ dir: 'models', precision: 'int8', threads: 1 }),
  };
  const detectorFor = async (model: DetectorName, precision: 'fp32' | 'int8', tiles: number) => {
    const d = new FaceDetector({
      detection: { ...defaults, model, tiles },
      models: stores[precision],
    });
    await d.init();
    return d;
  };

  const reference = await detectorFor('ssd-mobilenetv1', 'fp32', 1);
  const stills = sampleStills();
  const found = new Map<string, Detection[]>();
  for (const still of stills) found.set(still.name, await reference.detect(still.image));
  const crops = cropFaces(stills, (s) => found.get(s.name) ?? []);
  const scenes = SIZES_PX.map((size) => {
    const faces = layoutAt(crops, size);
    const scene = new ClassroomScene(faces);
    return { size, faces, images: Array.from({ length: frames }, (_, i) => scene.render(i * 7)) };
  });

  process.stdout.write(
    `${crops.length} faces per size, ${frames} frames each, minFacePx ${minFacePx}, minScore ${defaults.minScore}; a cell is recall (false positives)\n\n`,
  );
  process.stdout.write(
    `| detector | precision | tiles | ${SIZES_PX.map((s) => `${s} px`).join(' | ')} | ms per detection run |\n`,
  );
  process.stdout.write(`|---|---|---|${SIZES_PX.map(() => '---|').join('')}---|\n`);
  for (const model of DETECTORS) {
    for (const precision of ['fp32', 'int8'] as const) {
      for (const tiles of [1, 2, 3]) {
        const detector = await detectorFor(model, precision, tiles);
        const cells: string[] = [];
        for (const scene of scenes) {
          let hits = 0;
          let fps = 0;
          for (const image of scene.images) {
            // Every tile: what the daemon covers over `tiles` detection runs of a still class.
            const detections = await detector.detect(image, { allTiles: true });
            const m = matchFaces(scene.faces, detections, CROP_MARGIN);
            hits += m.found;
            fps += m.falsePositives;
          }
          const total = scene.faces.length * scene.images.length;
          cells.push(`${((100 * hits) / total).toFixed(0)} % (${fps})`);
        }
        // Cost of one daemon detection run: the whole frame plus one row of tiles.
        const image = scenes[0]?.images[0] as Mat;
        const times: number[] = [];
        for (let i = 0; i < runs + 1; i++) {
          const t0 = performance.now();
          await detector.detect(image);
          if (i > 0) times.push(performance.now() - t0);
        }
        process.stdout.write(
          `| ${model} | ${precision} | ${tiles} | ${cells.join(' | ')} | ${median(times).toFixed(1)} |\n`,
        );
      }
    }
  }
  await stores.fp32.close();
  await stores.int8.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
