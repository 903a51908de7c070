// The pure parts of `classpulse analyze`: a face's report from an observation, the placement
// verdict and its fix, the even frame sample, per-track tallies and the table.
import { describe, expect, it } from 'vitest';
import { type FaceReport, faceReport } from '../../../src/analyze/face-report.js';
import {
  type AnalyzeReport,
  EvenSample,
  type ImageReport,
  type TrackSummary,
  TrackTally,
  type VideoReport,
} from '../../../src/analyze/file-report.js';
import { placement } from '../../../src/analyze/placement.js';
import { renderReport } from '../../../src/analyze/report-table.js';

const LIMITS = { eyesMinFacePx: 38, expressionMinFacePx: 64 };
const FRAME = { width: 1280, height: 720 };

function face(label: string, x: number, sizePx: number) {
  return { label, sizePx, box: { x, y: 300, w: sizePx, h: sizePx } };
}

describe('faceReport', () => {
  const expression = new Float32Array([0.1, 0.7, 0.05, 0.05, 0.04, 0.03, 0.03]);

  it('gives eyes, pose and the top expression of a face wide enough', () => {
    const report = faceReport(
      {
        box: { x: 10.4, y: 20.6, w: 80.2, h: 90 },
        score: 0.98765,
        landmarks: new Float32Array(478 * 3),
        pose: { yawDeg: -12.345, pitchDeg: 3.21, rollDeg: 0.04 },
        eyes: { left: 0.31234, right: 0.29 },
        expression,
      },
      'f1',
      LIMITS,
      null,
    );
    expect(report).toMatchObject({
      label: 'f1',
      box: { x: 10, y: 21, w: 80, h: 90 },
      sizePx: 80,
      score: 0.988,
      landmarks: true,
      pose: { yawDeg: -12.3, pitchDeg: 3.2, rollDeg: 0 },
      eyes: { measurable: true, left: 0.312, right: 0.29 },
      expression: { top: 'happy', reliable: true },
    });
    expect(report.expression?.probabilities.happy).toBe(0.7);
  });

  it('says why the eyes of a small face or of a detector-only face are not measurable', () => {
    const small = faceReport(
      { box: { x: 0, y: 0, w: 30, h: 36 }, eyes: { left: 0.3, right: 0.3 }, expression },
      'f2',
      LIMITS,
      null,
    );
    expect(small.eyes).toEqual({
      measurable: false,
      left: null,
      right: null,
      reason: 'face 30 px < blink.minFacePx 38',
    });
    expect(small.expression?.reliable).toBe(false);
    const unseen = faceReport(
      { box: { x: 0, y: 0, w: 90, h: 90 }, score: 0.6 },
      'f3',
      LIMITS,
      null,
    );
    expect(unseen.eyes.reason).toMatch(/no landmarks/);
    expect(unseen.pose).toBeNull();
    expect(unseen.expression).toBeNull();
  });
});

describe('placement', () => {
  it('is ok when every face is wide enough', () => {
    const p = placement([face('f1', 100, 120), face('f2', 400, 64)], FRAME, LIMITS);
    expect(p.verdict).toBe('ok');
    expect(p.eyes.fix).toBeNull();
    expect(p.expression.fix).toBeNull();
  });

  it('fixes the smallest face: zoom, distance and resolution from the threshold', () => {
    const p = placement(
      [face('f1', 100, 27), face('f2', 300, 50), face('f3', 500, 90)],
      FRAME,
      LIMITS,
    );
    expect(p.verdict).toBe('too-small');
    expect(p.eyes.tooSmall).toEqual(['f1']);
    expect(p.expression.tooSmall).toEqual(['f1', 'f2']);
    // 38 / 27 = 1.407… → ×1.41 (rounded up), 1 / 1.41 = 0.709… → 0.7 (rounded down).
    expect(p.eyes.fix).toEqual({
      zoom: 1.41,
      distanceRatio: 0.7,
      resolution: { width: 1805, height: 1016 },
      facesStayInView: true,
    });
    expect(p.expression.fix?.zoom).toBe(2.38); // 64 / 27 = 2.370… → 2.38
    expect(p.advice.join('\n')).toContain(
      'f1 is too small for eye measurements (< 38 px): zoom ×1.41, or move the camera to 0.7× its distance',
    );
    expect(p.advice.join('\n')).toContain('f1, f2 are too small for expressions (< 64 px)');
  });

  it('asks for resolution, not zoom, when zooming would lose faces', () => {
    const p = placement([face('f1', 0, 20), face('f2', 1200, 60)], FRAME, LIMITS);
    expect(p.eyes.fix?.facesStayInView).toBe(false);
    expect(p.advice.join('\n')).toMatch(
      /use 2432×1368 px \(×1\.9\); zooming ×1\.9 or moving closer would cut/,
    );
  });

  it('says so when there is no face', () => {
    expect(placement([], FRAME, LIMITS)).toMatchObject({ verdict: 'no-face' });
  });
});

describe('EvenSample', () => {
  it('keeps at most max items, evenly spread over any length', () => {
    const sample = new EvenSample<number>(4);
    for (let i = 0; i < 19; i++) sample.push(sample.wantsNext ? i : undefined);
    // Step doubled to 4 then 8: items 0, 8, 16.
    expect(sample.items()).toEqual([0, 8, 16]);
    const short = new EvenSample<number>(60);
    for (let i = 0; i < 5; i++) short.push(i);
    expect(short.items()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('TrackTally', () => {
  const measured = (sizePx: number, yawDeg: number, top: 'happy' | 'neutral'): FaceReport => ({
    label: 'anon-1',
    box: { x: 0, y: 0, w: sizePx, h: sizePx },
    sizePx,
    score: null,
    landmarks: true,
    pose: { yawDeg, pitchDeg: 0, rollDeg: 0 },
    eyes:
      sizePx >= 38
        ? { measurable: true, left: 0.3, right: 0.3 }
        : { measurable: false, left: null, right: null },
    expression: { top, probabilities: {} as never, reliable: true },
    identity: null,
  });

  it('summarises a track, a tentative id it came from included', () => {
    const tally = new TrackTally();
    tally.add(measured(40, 5, 'happy'), 1000);
    tally.add(measured(36, 7, 'happy'), 1100);
    const pending = new TrackTally();
    pending.add(measured(44, 3, 'neutral'), 900);
    tally.absorb(pending);
    expect(tally.summary('anon-1')).toEqual({
      track: 'anon-1',
      framesSeen: 3,
      firstS: 0.9,
      lastS: 1.1,
      sizePx: { median: 40, min: 36, max: 44 },
      eyesMeasuredShare: 0.667,
      pose: { yawDeg: 5, pitchDeg: 0, rollDeg: 0 },
      expression: { top: 'happy', share: 0.667 },
      identity: null,
    });
  });
});

describe('renderReport', () => {
  it('prints a header, the faces and the advice per file, and a summary', () => {
    const f = faceReport(
      { box: { x: 0, y: 0, w: 30, h: 36 }, landmarks: new Float32Array(3) },
      'f1',
      LIMITS,
      null,
    );
    const image: ImageReport = {
      file: 'room.jpg',
      kind: 'image',
      ok: true,
      width: 1280,
      height: 720,
      faceCount: 1,
      smallestFacePx: 30,
      placement: placement([f], FRAME, LIMITS),
      annotated: [],
      faces: [f],
    };
    const report: AnalyzeReport = {
      v: 1,
      limits: { ...LIMITS, matchDistance: 0.3 },
      enrolledStudents: 0,
      files: [image, { file: 'gone.jpg', ok: false, error: 'no such file or folder' }],
      summary: { files: 2, failed: 1, faces: 1 },
    };
    const text = renderReport(report);
    expect(text).toContain(
      'room.jpg  1280×720 image · 1 face(s) · smallest 30 px · placement too-small',
    );
    expect(text).toMatch(/f1 +30 +- +- +- +- +not measurable/);
    expect(text).toContain('→ f1 is too small for expressions (< 64 px): zoom ×2.14');
    expect(text).toContain(
      '1 of 2 file(s) analysed, 1 face(s)/track(s); 1 failed (named on stderr)',
    );
    expect(text).not.toContain('gone.jpg');
  });

  it('marks the expression of a video track whose median width is too small, as for a photo', () => {
    const track = (name: string, medianPx: number): TrackSummary => ({
      track: name,
      framesSeen: 15,
      firstS: 0,
      lastS: 0.9,
      sizePx: { median: medianPx, min: medianPx - 1, max: medianPx + 2 },
      eyesMeasuredShare: 1,
      pose: { yawDeg: 3, pitchDeg: 0, rollDeg: 0 },
      expression: { top: 'happy', share: 1 },
      identity: null,
    });
    const tracks = [track('anon-1', 41), track('anon-2', 70)];
    const video: VideoReport = {
      file: 'room.mp4',
      kind: 'video',
      ok: true,
      width: 1280,
      height: 720,
      faceCount: 2,
      smallestFacePx: 41,
      placement: placement(
        tracks.map((t, k) => face(t.track, 200 * k, t.sizePx.median)),
        FRAME,
        LIMITS,
      ),
      annotated: [],
      fps: 15,
      budgetFps: 15,
      framesAnalysed: 15,
      durationS: 0.9,
      tracks,
      frames: [],
    };
    const text = renderReport({
      v: 1,
      limits: { ...LIMITS, matchDistance: 0.3 },
      enrolledStudents: 0,
      files: [video],
      summary: { files: 1, failed: 0, faces: 2 },
    });
    expect(text).toMatch(/anon-1 .* happy 100% \(too small\)/);
    expect(text).toMatch(/anon-2 .* happy 100% +-$/m);
  });
});
