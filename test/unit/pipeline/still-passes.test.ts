import { describe, expect, it } from 'vitest';
import type { RememberedFace } from '../../../src/pipeline/face-memory.js';
import type { EyeMemory } from '../../../src/pipeline/landmarks/iris-gate.js';
import type { MeshReading } from '../../../src/pipeline/landmarks/mesh-reader.js';
import {
  everyFace,
  regionOnly,
  relevelled,
  stillHints,
  stillMoving,
  withExpressions,
} from '../../../src/pipeline/still-passes.js';
import type { Observation } from '../../../src/pipeline/types.js';

const box = (x: number) => ({ x, y: 10, w: 60, h: 70 });
const region = { cxPx: 100, cyPx: 100, sizePx: 120, angleRad: 0 };
const face = (trackId: string, changes: Partial<typeof region> = {}): RememberedFace => ({
  trackId,
  box: box(0),
  region: { ...region, ...changes },
  detectorOnly: false,
});
const degrees = (d: number) => (d * Math.PI) / 180;

describe('a still picture read in passes', () => {
  const first: Observation[] = [
    { box: box(0), score: 0.9, landmarks: new Float32Array(6) },
    { box: box(100), score: 0.4 },
  ];

  it('names one hint per face of the first pass, in its order', () => {
    const hints = stillHints(first);
    expect(hints.map((h) => h.id)).toEqual(['still-0', 'still-1']);
    expect(hints[1]?.box).toEqual(box(100));
  });

  it('starts a pass from the region alone: no reused mesh, eyes or mirror bias', () => {
    const remembered: RememberedFace = {
      ...face('still-0'),
      mesh: { reading: {} as MeshReading, age: 0, shift: 0 },
      eyes: {} as EyeMemory,
    };
    expect(regionOnly(remembered)).toEqual(face('still-0'));
  });

  it("takes a pass's reading where it measured the face again, keeping the detector's score", () => {
    const pose = { yawDeg: -19, pitchDeg: -7, rollDeg: 28 };
    const pass: Observation[] = [{ trackId: 'still-0', box: box(2), pose }];
    const merged = relevelled(first, pass);
    expect(merged[0]).toEqual({ box: box(2), pose, score: 0.9 });
    // The second face was lost in this pass: it keeps its last reading.
    expect(merged[1]).toBe(first[1]);
  });

  it('reads a face again while its region turns, moves or grows, and not once it holds', () => {
    const hints = stillHints([...first, { box: box(200) }, { box: box(300) }, { box: box(400) }]);
    const before = hints.map((h) => face(h.id));
    const after = [
      face('still-0', { angleRad: degrees(0.5), cxPx: 100.5 }),
      face('still-1', { angleRad: degrees(-1.5) }),
      face('still-2', { cxPx: 102 }),
      face('still-3', { sizePx: 123 }),
      // still-4 was lost: nothing more to read.
    ];
    expect(stillMoving(hints, before, after).map((h) => h.id)).toEqual([
      'still-1',
      'still-2',
      'still-3',
    ]);
  });

  it('describes every face, and gives expressions to those FaceMesh measured', () => {
    expect(everyFace(first, { expression: { enabled: true } })).toEqual({
      embed: [0, 1],
      express: [0],
    });
    expect(everyFace(first, { expression: { enabled: false } }).express).toEqual([]);
  });

  it('takes the expressions described on the first reading of each face', () => {
    const expression = new Float32Array([0, 1, 0, 0, 0, 0, 0]);
    const levelled: Observation[] = [{ box: box(2) }, { box: box(100) }];
    const merged = withExpressions(levelled, [{ box: box(0), expression }, { box: box(100) }]);
    expect(merged).toEqual([{ box: box(2), expression }, { box: box(100) }]);
  });
});
