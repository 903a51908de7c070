import { describe, expect, it } from 'vitest';
import {
  alignedFaceCrop,
  boxFaceCrop,
  faceCrop,
} from '../../../src/pipeline/describe/face-crop.js';
import {
  DETECTION_REGION,
  matchDetections,
  nameFaces,
  type RememberedFace,
  recall,
  regionForDetection,
  reusableMesh,
} from '../../../src/pipeline/face-memory.js';
import { applyAffine } from '../../../src/pipeline/geometry/affine.js';
import { VTX68 } from '../../../src/pipeline/landmarks/mesh-indices.js';
import type { MeshReading } from '../../../src/pipeline/landmarks/mesh-reader.js';
import { normalised } from '../../../src/trackers/embedding-math.js';

const hint = (id: string, x: number, y: number) => ({
  id,
  box: { x, y, w: 50, h: 60 },
  needsEmbedding: false,
  needsExpression: false,
});
const region = { cxPx: 0, cyPx: 0, sizePx: 90, angleRad: 0 };

describe('remembering faces across frames', () => {
  const remembered: RememberedFace[] = [
    { trackId: 'a', box: { x: 0, y: 0, w: 50, h: 60 }, region, detectorOnly: false },
    { box: { x: 200, y: 0, w: 50, h: 60 }, region: { ...region, cxPx: 225 }, detectorOnly: false },
  ];

  it('finds a track by id even when its box moved', () => {
    expect(recall(hint('a', 30, 0), remembered)).toBe(remembered[0]);
  });

  it('finds the face reported without an id by overlap once the tracker named it', () => {
    expect(recall(hint('new', 205, 2), remembered)).toBe(remembered[1]);
  });

  it('names each face by the track its observation went to (tracker associations)', () => {
    const faces: RememberedFace[] = [
      {
        trackId: 'pending-1',
        observation: 0,
        box: { x: 0, y: 0, w: 50, h: 60 },
        region,
        detectorOnly: false,
      },
      { observation: 1, box: { x: 400, y: 0, w: 50, h: 60 }, region, detectorOnly: false },
      { observation: 2, box: { x: 800, y: 0, w: 50, h: 60 }, region, detectorOnly: false },
    ];
    // A tentative face confirmed as anon-4, a new face that continues anon-2 (re-identified), and
    // an observation dropped as a duplicate (no track).
    nameFaces(faces, [
      { index: 0, trackId: 'anon-4' },
      { index: 1, trackId: 'anon-2' },
    ]);
    expect(faces.map((f) => f.trackId)).toEqual(['anon-4', 'anon-2', undefined]);
    // The next frame's hints find them by id wherever the prediction put the box.
    expect(recall(hint('anon-2', 300, 50), faces)).toBe(faces[1]);
    expect(recall(hint('anon-4', 90, 0), faces)).toBe(faces[0]);
  });

  it('knows nothing about a hint far from every unnamed face', () => {
    expect(recall(hint('other', 600, 400), remembered)).toBeUndefined();
  });

  it('turns a detector box into a wider region centred a little lower', () => {
    const r = regionForDetection({ x: 100, y: 100, w: 100, h: 120 }, 'ssd-mobilenetv1');
    const { scale, shiftY } = DETECTION_REGION['ssd-mobilenetv1'];
    expect(r.sizePx).toBeCloseTo(120 * scale);
    expect(r.cxPx).toBe(150);
    expect(r.cyPx).toBeCloseTo(160 + 120 * shiftY);
  });
});

describe('matching detections to tracked faces', () => {
  it('gives each tracked face its overlapping detection and keeps the rest as new', () => {
    const tracked = [
      { x: 0, y: 0, w: 50, h: 60 },
      { x: 300, y: 0, w: 50, h: 60 },
    ];
    const onFirst = { x: -5, y: -5, w: 60, h: 70, score: 0.9 };
    const fresh = { x: 150, y: 0, w: 50, h: 60, score: 0.8 };
    const result = matchDetections([onFirst, fresh], tracked);
    expect(result.byTracked).toEqual([onFirst, undefined]);
    expect(result.fresh).toEqual([fresh]);
  });

  it('matches a face that moved fast (half a face width) and not a neighbour a face away', () => {
    const tracked = [{ x: 100, y: 100, w: 60, h: 70 }];
    const moved = { x: 130, y: 100, w: 60, h: 70, score: 0.9 };
    const neighbour = { x: 180, y: 100, w: 60, h: 70, score: 0.9 };
    expect(matchDetections([moved], tracked).byTracked).toEqual([moved]);
    expect(matchDetections([neighbour], tracked).fresh).toEqual([neighbour]);
  });

  it('gives each face its closest detection when two are near', () => {
    const tracked = [
      { x: 0, y: 0, w: 60, h: 70 },
      { x: 70, y: 0, w: 60, h: 70 },
    ];
    const a = { x: 5, y: 0, w: 60, h: 70, score: 0.8 };
    const b = { x: 60, y: 0, w: 60, h: 70, score: 0.9 };
    expect(matchDetections([b, a], tracked).byTracked).toEqual([a, b]);
  });

  it('does not give two detections to one face', () => {
    const tracked = [{ x: 0, y: 0, w: 50, h: 60 }];
    const a = { x: 0, y: 0, w: 50, h: 60, score: 0.9 };
    const b = { x: 2, y: 2, w: 48, h: 58, score: 0.7 };
    expect(matchDetections([a, b], tracked).fresh).toEqual([b]);
  });
});

describe('face crop for the face-api nets', () => {
  it('frames the 68-point box padded 20 %, upright, centred in the crop', () => {
    const xyz = new Float32Array(478 * 3);
    const angle = 0.3;
    const put = (i: number, u: number, v: number) => {
      xyz[i * 3] = 500 + Math.cos(angle) * u - Math.sin(angle) * v;
      xyz[i * 3 + 1] = 300 + Math.sin(angle) * u + Math.cos(angle) * v;
    };
    VTX68.forEach((index, k) => {
      put(index, 40 * Math.cos(k), 50 * Math.sin(k));
    });
    put(33, -20, -10);
    put(263, 20, -10);
    const m = alignedFaceCrop(xyz, 150);
    const centre = applyAffine(m, { x: 500, y: 300 });
    expect(centre.x).toBeCloseTo(75, 0);
    const left = applyAffine(m, { x: xyz[33 * 3] ?? 0, y: xyz[33 * 3 + 1] ?? 0 });
    const right = applyAffine(m, { x: xyz[263 * 3] ?? 0, y: xyz[263 * 3 + 1] ?? 0 });
    expect(right.y - left.y).toBeCloseTo(0, 4);
    // The taller side (≈100 px of points, padded 20 %) spans the 150 px crop.
    const top = Math.min(
      ...VTX68.map((i) => applyAffine(m, { x: xyz[i * 3] ?? 0, y: xyz[i * 3 + 1] ?? 0 }).y),
    );
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(15 + 1);
  });

  it('without landmarks, frames the detector box as a centred square', () => {
    const m = boxFaceCrop({ x: 100, y: 50, w: 60, h: 80 }, 160);
    expect(applyAffine(m, { x: 130, y: 90 })).toEqual({ x: 80, y: 80 });
    // The taller side fills the crop; the narrower one is padded with surroundings.
    expect(applyAffine(m, { x: 130, y: 50 }).y).toBeCloseTo(0);
    expect(applyAffine(m, { x: 100, y: 90 }).x).toBeCloseTo(20);
    const viaRef = faceCrop({ box: { x: 100, y: 50, w: 60, h: 80 } }, 160);
    expect(viaRef).toEqual(m);
  });

  it('L2-normalises embeddings', () => {
    const v = normalised(new Float32Array([3, 4]));
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
  });
});

describe("reusing a still face's FaceMesh reading", () => {
  // Only identity matters here: reusableMesh hands back the reading it was given, or nothing.
  const reading = { score: 0.99 } as unknown as MeshReading;
  const face = (widthPx: number, age: number, shift: number): RememberedFace => ({
    trackId: 'a',
    box: { x: 100, y: 100, w: widthPx, h: widthPx * 1.2 },
    region: { cxPx: 150, cyPx: 160, sizePx: widthPx * 1.7, angleRad: 0 },
    detectorOnly: false,
    mesh: { reading, age, shift },
  });

  it('reuses it on a still face of 80 px or more, every other frame at most', () => {
    expect(reusableMesh(face(80, 0, 0.01), 2)).toBe(reading);
    expect(reusableMesh(face(120, 1, 0.01), 2)).toBeUndefined();
    expect(reusableMesh(face(120, 1, 0.01), 3)).toBe(reading);
  });

  it('runs FaceMesh on a face that moved, with reuse off, and on any face under 80 px whose eyes are measured', () => {
    expect(reusableMesh(face(120, 0, 0.05), 2)).toBeUndefined();
    expect(reusableMesh(face(120, 0, 0.01), 1)).toBeUndefined();
    // Reused on 40-56 px faces, the reading added false blinks (docs/performance.md).
    expect(reusableMesh(face(79, 0, 0.01), 2)).toBeUndefined();
    expect(reusableMesh(face(40, 0, 0.0), 4)).toBeUndefined();
  });

  it('reuses it on a still face of any size whose eyes are not measured', () => {
    expect(reusableMesh(face(30, 0, 0.01), 2, false)).toBe(reading);
    expect(reusableMesh(face(30, 1, 0.01), 2, false)).toBeUndefined();
    expect(reusableMesh(face(30, 0, 0.05), 2, false)).toBeUndefined();
    expect(reusableMesh(face(30, 0, 0.01), 1, false)).toBeUndefined();
  });
});
