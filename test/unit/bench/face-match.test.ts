// The matching rule behind the recall tables in docs/models.md (tools/eval/detector-recall.ts,
// src/bench/classroom-recall.ts): one detection per pasted face, by centre distance and width.
import { describe, expect, it } from 'vitest';
import { matchFaces as matchWithMargin, type PastedFace } from '../../../src/bench/face-match.js';
import type { Detection } from '../../../src/pipeline/types.js';

const matchFaces = (faces: PastedFace[], detections: Detection[]) =>
  matchWithMargin(faces, detections, 1.6);

// A 40 px face pasted as a 64 px crop at (100, 100): its centre is (132, 132).
const face = (xPx: number, yPx: number): PastedFace => ({
  xPx,
  yPx,
  faceWidthPx: 40,
});
const det = (cx: number, cy: number, w: number, score = 0.9): Detection => ({
  x: cx - w / 2,
  y: cy - w / 2,
  w,
  h: w,
  score,
});

describe('matchFaces', () => {
  it('counts a detection near the centre with a plausible width as found', () => {
    expect(matchFaces([face(100, 100)], [det(140, 125, 44)])).toEqual({
      found: 1,
      falsePositives: 0,
      foundFaces: [0],
    });
  });

  it('refuses one too far off, too small or too large', () => {
    const faces = [face(100, 100)];
    expect(matchFaces(faces, [det(155, 132, 40)]).found).toBe(0);
    expect(matchFaces(faces, [det(132, 132, 15)]).found).toBe(0);
    expect(matchFaces(faces, [det(132, 132, 90)]).found).toBe(0);
  });

  it('gives each face one detection: a duplicate is a false positive', () => {
    const m = matchFaces(
      [face(100, 100), face(300, 100)],
      [det(132, 132, 40), det(134, 130, 38, 0.6)],
    );
    expect(m).toEqual({ found: 1, falsePositives: 1, foundFaces: [0] });
  });
});
