// The iris model on a turned head: only the nearer eye's contours are merged into the mesh (the
// far eye's diverge), so only that eye is cropped and run. On real frames of a person turning to
// ±45° (mmphego_webcam_demo from ../shared/media/turns when present, skipped with a message
// otherwise): frontal frames run both eyes, clearly turned ones one, and every face still gets
// both eyes' openness. The models are real; the source only counts the eyes the iris model ran on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { CountingSource, EXPRESSION, ROOT, studentHints, testPipeline } from './helpers.js';

const MMPHEGO = join(ROOT, '../shared/media/turns/mmphego_webcam_demo.mp4');

interface FrameEyes {
  yawDeg: number;
  irisEyes: number;
  measured: boolean;
}

async function followClip(video: string): Promise<FrameEyes[]> {
  const source = new CountingSource();
  const pipeline = testPipeline({ models: source, expression: { ...EXPRESSION, enabled: false } });
  await pipeline.init();
  const capture = new cv.VideoCapture(video);
  const frames: FrameEyes[] = [];
  let hints: TrackHint[] = [];
  source.take('iris');
  for (let seq = 0; ; seq++) {
    const image = capture.read();
    if (image.empty) break;
    const result = await pipeline.process(
      { seq, tMs: seq * 40, width: image.cols, height: image.rows, image },
      hints,
    );
    hints = studentHints(result.observations);
    const face = result.observations[0];
    const irisEyes = source.take('iris');
    if (result.observations.length !== 1 || face?.pose === undefined) continue;
    frames.push({
      yawDeg: face.pose.yawDeg,
      irisEyes,
      measured: face.eyes !== undefined && face.eyes.left > 0 && face.eyes.right > 0,
    });
  }
  capture.release();
  return frames;
}

describe.skipIf(!existsSync(MMPHEGO))('iris model on a turned head', () => {
  it('runs both eyes of a frontal face and only the nearer eye of a clearly turned one', async () => {
    const frames = await followClip(MMPHEGO);
    const frontal = frames.filter((f) => Math.abs(f.yawDeg) <= 10);
    const turned = frames.filter((f) => Math.abs(f.yawDeg) >= 35);
    expect(frontal.length).toBeGreaterThan(50);
    expect(turned.length).toBeGreaterThan(20);
    expect(frontal.every((f) => f.irisEyes === 2)).toBe(true);
    expect(turned.every((f) => f.irisEyes === 1)).toBe(true);
    // Both eyes are still measured: the far one from FaceMesh's own lids.
    expect(frames.every((f) => f.measured)).toBe(true);
  }, 120_000);
});

if (!existsSync(MMPHEGO)) {
  process.stderr.write(
    `turned-eyes.test.ts: ${MMPHEGO} is missing: the turned-head test is skipped\n`,
  );
}
