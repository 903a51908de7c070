// A still picture (`classpulse analyze`) read in passes until each face's region is levelled
// (Pipeline.processStill): turning the picture in its own plane must move each face's roll by the
// turn and leave its yaw and pitch, as it would for a followed face. One pass, from the
// detector's upright boxes, does not (tilted faces' yaw moves by up to ~25°).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import { sectionDefaults } from '../../../src/config/schema.js';
import type { Pipeline } from '../../../src/pipeline/pipeline.js';
import { SAMPLES_DIR, testPipeline } from './helpers.js';

const FILES = [1, 2, 3, 4, 5, 6].map((n) => `sample${n}.jpg`);
/** Degrees, counter-clockwise as OpenCV turns a picture (a face's roll, clockwise +, drops). */
const TURNS = [-10, 10];

interface Face {
  cx: number;
  cy: number;
  w: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

async function read(pipeline: Pipeline, image: Mat, passes: 'one' | 'still'): Promise<Face[]> {
  const frame = { seq: 0, tMs: 0, width: image.cols, height: image.rows, image };
  const result =
    passes === 'still' ? await pipeline.processStill(frame) : await pipeline.process(frame, []);
  return result.observations.flatMap((o) =>
    o.pose ? [{ cx: o.box.x + o.box.w / 2, cy: o.box.y + o.box.h / 2, w: o.box.w, ...o.pose }] : [],
  );
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(0.95 * (sorted.length - 1))] ?? Number.NaN;
}

describe('a still picture read in passes', () => {
  const tracking = sectionDefaults('tracking');
  // The daemon's reuse and iris gate on: the passes must not carry a reading from one to the next.
  const pipeline = testPipeline({
    stillMeshEveryFrames: tracking.stillMeshEveryFrames,
    irisEveryFrames: tracking.irisEveryFrames,
  });
  const images = FILES.map((file) => cv.imread(join(SAMPLES_DIR, file)));

  beforeAll(async () => {
    await pipeline.init();
  });
  afterAll(() => {
    for (const image of images) image.release();
  });

  async function turned(passes: 'one' | 'still') {
    const yaw: number[] = [];
    const pitch: number[] = [];
    const roll: number[] = [];
    let faces = 0;
    for (const image of images) {
      const upright = await read(pipeline, image, passes);
      for (const turn of TURNS) {
        const centre = new cv.Point2(image.cols / 2, image.rows / 2);
        const map = cv.getRotationMatrix2D(centre, turn, 1);
        const rotated = image.warpAffine(map, new cv.Size(image.cols, image.rows));
        const [r0 = [], r1 = []] = map.getDataAsArray();
        const seen = await read(pipeline, rotated, passes);
        rotated.release();
        for (const face of upright) {
          faces += 1;
          const x = (r0[0] ?? 0) * face.cx + (r0[1] ?? 0) * face.cy + (r0[2] ?? 0);
          const y = (r1[0] ?? 0) * face.cx + (r1[1] ?? 0) * face.cy + (r1[2] ?? 0);
          const same = seen.find((f) => Math.hypot(f.cx - x, f.cy - y) < 0.3 * face.w);
          if (!same) continue;
          yaw.push(Math.abs(same.yawDeg - face.yawDeg));
          pitch.push(Math.abs(same.pitchDeg - face.pitchDeg));
          roll.push(Math.abs(same.rollDeg - face.rollDeg + turn));
        }
      }
    }
    return { faces, matched: yaw.length, yaw: p95(yaw), pitch: p95(pitch), roll: p95(roll) };
  }

  it('keeps yaw and pitch when the picture turns, and turns the roll with it', async () => {
    const still = await turned('still');
    const one = await turned('one');
    console.log('turned ±10°: p95 change (deg)', { still, one });
    // A few faces near the corners are cut off or missed by the detector once turned (41 of 44
    // matched on 2026-12-06 either way); the passes lose none.
    expect(still.matched).toBeGreaterThanOrEqual(0.9 * still.faces);
    expect(still.matched).toBeGreaterThanOrEqual(one.matched);
    expect(still.yaw).toBeLessThanOrEqual(3);
    expect(still.pitch).toBeLessThanOrEqual(3);
    expect(still.roll).toBeLessThanOrEqual(3);
    // One pass from the upright boxes is what the passes fix.
    expect(one.yaw).toBeGreaterThan(2 * still.yaw);
  }, 120_000);

  it('reads a picture the same way whatever was read before it', async () => {
    const [first, other] = images;
    if (!first || !other) throw new Error('sample photos missing');
    const before = await read(pipeline, first, 'still');
    await read(pipeline, other, 'still');
    expect(await read(pipeline, first, 'still')).toEqual(before);
  }, 60_000);
});
