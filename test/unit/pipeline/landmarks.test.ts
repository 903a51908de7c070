import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../src/pipeline/geometry/affine.js';
import { eyeAspectRatio, eyeOpenness } from '../../../src/pipeline/landmarks/eye-openness.js';
import { GENERIC_FACE, headPose, POSE_POINTS } from '../../../src/pipeline/landmarks/head-pose.js';
import {
  eyeBox,
  eyeBoxToInput,
  eyePointsToCrop,
  eyesToRefine,
  mergeIris,
} from '../../../src/pipeline/landmarks/iris-refine.js';
import { EYE_CONTOURS } from '../../../src/pipeline/landmarks/mesh-indices.js';

function setPoint(xyz: Float32Array, i: number, x: number, y: number, z = 0) {
  xyz[i * 3] = x;
  xyz[i * 3 + 1] = y;
  xyz[i * 3 + 2] = z;
}

/** A right eye 40 px wide whose lids are `gapPx` apart. */
function eyeWithGap(gapPx: number): Float32Array {
  const xyz = new Float32Array(478 * 3);
  setPoint(xyz, 33, 100, 100);
  setPoint(xyz, 133, 140, 100);
  for (const [upper, lower, x] of [
    [160, 144, 110],
    [159, 145, 120],
    [158, 153, 130],
  ] as const) {
    setPoint(xyz, upper, x, 100 - gapPx / 2);
    setPoint(xyz, lower, x, 100 + gapPx / 2);
  }
  return xyz;
}

describe('eye aspect ratio', () => {
  it('is the mean lid gap over the eye width', () => {
    expect(eyeAspectRatio(eyeWithGap(12), 'right')).toBeCloseTo(0.3);
    expect(eyeAspectRatio(eyeWithGap(2), 'right')).toBeCloseTo(0.05);
  });

  it('does not depend on the scale or tilt of the face', () => {
    const eye = eyeWithGap(10);
    const turned = new Float32Array(eye.length);
    const cos = Math.cos(0.7);
    const sin = Math.sin(0.7);
    for (let i = 0; i < eye.length; i += 3) {
      const x = eye[i] ?? 0;
      const y = eye[i + 1] ?? 0;
      turned[i] = 3 * (cos * x - sin * y);
      turned[i + 1] = 3 * (sin * x + cos * y);
    }
    expect(eyeAspectRatio(turned, 'right')).toBeCloseTo(eyeAspectRatio(eye, 'right'), 6);
  });

  it('reports 0 for a degenerate eye instead of dividing by zero', () => {
    expect(eyeOpenness(new Float32Array(478 * 3))).toEqual({ left: 0, right: 0 });
  });
});

describe('iris crops and merge', () => {
  const mesh = new Float32Array(468 * 3);
  setPoint(mesh, 33, 60, 80);
  setPoint(mesh, 133, 84, 82);
  setPoint(mesh, 362, 108, 82);
  setPoint(mesh, 263, 132, 80);

  it('frames each eye in a square 2.3× its corner distance, mirroring the left eye', () => {
    const right = eyeBox(mesh, 'right');
    // Corners are rounded to whole pixels (human's squarifyBox), so within a pixel.
    expect(Math.abs(right.size - 24 * 2.3)).toBeLessThanOrEqual(1);
    expect(right.flip).toBe(false);
    const left = eyeBox(mesh, 'left');
    expect(left.flip).toBe(true);
    // The left eye's outer corner (image right) lands on the crop's left after mirroring.
    const m = eyeBoxToInput(left, 64);
    const outer = applyAffine(m, { x: 132, y: 80 });
    const inner = applyAffine(m, { x: 108, y: 82 });
    expect(outer.x).toBeLessThan(inner.x);
  });

  it('maps eye-crop outputs back to where the crop took them from', () => {
    for (const side of ['left', 'right'] as const) {
      const box = eyeBox(mesh, side);
      const m = eyeBoxToInput(box, 64);
      const p = { x: box.x0 + 0.3 * box.size, y: box.y0 + 0.6 * box.size };
      const q = applyAffine(m, p);
      const output = new Float32Array(76 * 3);
      output.set([q.x, q.y, 2]);
      const back = eyePointsToCrop(output, box, 64);
      expect(back[0]).toBeCloseTo(p.x, 4);
      expect(back[1]).toBeCloseTo(p.y, 4);
      expect(back[2]).toBeCloseTo((2 * box.size) / 64, 5);
    }
  });

  it('replaces the lids of both eyes when frontal and appends the iris points', () => {
    const eyes = {
      left: new Float32Array(76 * 3).fill(7),
      right: new Float32Array(76 * 3).fill(9),
    };
    const merged = mergeIris(mesh, eyes);
    expect(merged.length).toBe(478 * 3);
    const upperLeft = EYE_CONTOURS.left.EyeUpper0[2];
    const upperRight = EYE_CONTOURS.right.EyeUpper0[2];
    expect(merged[upperLeft * 3]).toBe(7);
    expect(merged[upperRight * 3]).toBe(9);
    expect(merged[1 * 3]).toBe(0); // nose untouched
    expect(merged[468 * 3]).toBe(7); // left iris centre
    expect(merged[473 * 3]).toBe(9); // right iris centre
  });

  it('refines both eyes of a frontal face and only the nearer eye of a turned one', () => {
    expect(eyesToRefine(mesh)).toEqual(['left', 'right']);
    const leftNearer = Float32Array.from(mesh);
    leftNearer[263 * 3 + 2] = -40; // left eye's outer corner much nearer the camera
    expect(eyesToRefine(leftNearer)).toEqual(['left']);
    const rightNearer = Float32Array.from(mesh);
    rightNearer[33 * 3 + 2] = -40;
    expect(eyesToRefine(rightNearer)).toEqual(['right']);
  });

  it('replaces only the near eye’s lids when the head is turned', () => {
    const turned = Float32Array.from(mesh);
    turned[263 * 3 + 2] = -40; // left eye corner much nearer the camera
    const merged = mergeIris(turned, { left: new Float32Array(76 * 3).fill(7) });
    expect(merged[EYE_CONTOURS.left.EyeLower0[3] * 3]).toBe(7);
    expect(merged[EYE_CONTOURS.right.EyeLower0[3] * 3]).toBe(0);
    expect(merged[EYE_CONTOURS.left.EyeUpper1[3] * 3]).toBe(0);
    expect(merged[468 * 3]).toBe(7); // the near eye's iris centre from the model
    // The far eye, not run through the model: iris points between its corners (33 and 133).
    expect(merged[473 * 3]).toBe(72);
    expect(merged[473 * 3 + 1]).toBe(81);
  });
});

describe('head pose', () => {
  /**
   * A rigid face with the proportions the closed form assumes (x right, y down, z away from the
   * camera): the nose ridge (bridge to tip) at depth 0, temples 520 apart behind it by
   * GENERIC_FACE's share of that, eye corners 450 apart, mouth corners 320 below the eyes, eye and
   * mouth depths averaging the eye-to-mouth share.
   */
  const eyeY = -GENERIC_FACE.noseLevelFraction * 320;
  const mouthY = eyeY + 320;
  const eyeZ = 0.49 * 450;
  const mouthZ = 2 * GENERIC_FACE.noseDepthOverEyeMouth * 320 - eyeZ;
  const templeZ = GENERIC_FACE.ridgeDepthOverTempleSpan * 520;
  const FACE = [
    ...POSE_POINTS.noseRidge.map((index, k) => ({
      index,
      x: 0,
      y: eyeY * (1 - k / (POSE_POINTS.noseRidge.length - 1)),
      z: 0,
    })),
    { index: 33, x: -225, y: eyeY, z: eyeZ },
    { index: 263, x: 225, y: eyeY, z: eyeZ },
    { index: 54, x: -260, y: eyeY - 60, z: templeZ },
    { index: 284, x: 260, y: eyeY - 60, z: templeZ },
    { index: 61, x: -150, y: mouthY, z: mouthZ },
    { index: 291, x: 150, y: mouthY, z: mouthZ },
  ];

  const rotation = (axis: 'x' | 'y' | 'z', deg: number) => {
    const c = Math.cos((deg * Math.PI) / 180);
    const s = Math.sin((deg * Math.PI) / 180);
    if (axis === 'x') return [1, 0, 0, 0, c, -s, 0, s, c];
    if (axis === 'y') return [c, 0, s, 0, 1, 0, -s, 0, c];
    return [c, -s, 0, s, c, 0, 0, 0, 1];
  };
  const mul = (p: number[], q: number[]) =>
    [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map((j) =>
        [0, 1, 2].reduce((sum, k) => sum + (p[i * 3 + k] ?? 0) * (q[k * 3 + j] ?? 0), 0),
      ),
    );

  /**
   * Project the face turned by (yaw, pitch, roll) through a 1280 px focal length, 7500 units away
   * (the model's eye corners are 450 apart, ~5 units per mm: 1.5 m, a near classroom seat).
   * Turning to their own left moves the nose to the image right: -yaw about the camera's y.
   */
  function project(yawDeg: number, pitchDeg: number, rollDeg: number): Float32Array {
    const r = mul(mul(rotation('z', rollDeg), rotation('y', -yawDeg)), rotation('x', -pitchDeg));
    const xyz = new Float32Array(478 * 3);
    for (const p of FACE) {
      const x = (r[0] ?? 0) * p.x + (r[1] ?? 0) * p.y + (r[2] ?? 0) * p.z;
      const y = (r[3] ?? 0) * p.x + (r[4] ?? 0) * p.y + (r[5] ?? 0) * p.z;
      const z = (r[6] ?? 0) * p.x + (r[7] ?? 0) * p.y + (r[8] ?? 0) * p.z + 7500;
      setPoint(xyz, p.index, (1280 * x) / z + 640, (1280 * y) / z + 360);
    }
    return xyz;
  }

  it('reads a frontal face as level', () => {
    const pose = headPose(project(0, 0, 0));
    expect(Math.abs(pose?.yawDeg ?? 99)).toBeLessThan(0.5);
    expect(Math.abs(pose?.pitchDeg ?? 99)).toBeLessThan(0.5);
    expect(Math.abs(pose?.rollDeg ?? 99)).toBeLessThan(0.5);
  });

  it('recovers turns, nods and tilts of the generic face within a few degrees', () => {
    // [yaw, pitch, roll, yaw tolerance]: yaw ignores pitch, so a nodding head reads more yaw.
    for (const [yaw, pitch, roll, yawTolerance] of [
      [30, 0, 0, 3],
      [-40, 0, 10, 3],
      [0, 20, 0, 3],
      [0, -15, -15, 3],
      [25, 10, 5, 7],
    ] as const) {
      const pose = headPose(project(yaw, pitch, roll));
      expect(Math.abs((pose?.yawDeg ?? 99) - yaw)).toBeLessThan(yawTolerance);
      expect(Math.abs((pose?.pitchDeg ?? 99) - pitch)).toBeLessThan(3);
      // Yaw and pitch together tilt the projected eye line a little.
      expect(Math.abs((pose?.rollDeg ?? 99) - roll)).toBeLessThan(2);
    }
  });

  it('a head tilted 30° (roll) or nodding 25° (pitch) without turning reads a small yaw', () => {
    for (const [pitch, roll] of [
      [0, 30],
      [0, -30],
      [25, 0],
      [-20, 20],
    ] as const) {
      expect(Math.abs(headPose(project(0, pitch, roll))?.yawDeg ?? 99)).toBeLessThan(3);
    }
  });

  it('uses the documented signs: turning to their own left moves the nose to the image right', () => {
    const xyz = project(30, 0, 0);
    expect(xyz[1 * 3] ?? 0).toBeGreaterThan(((xyz[33 * 3] ?? 0) + (xyz[263 * 3] ?? 0)) / 2);
    expect(headPose(xyz)?.yawDeg).toBeGreaterThan(0);
    // Looking up brings the nose tip closer to the eye line than to the mouth.
    const up = project(0, 20, 0);
    const eyeLine = (xyz: Float32Array) => xyz[33 * 3 + 1] ?? 0;
    expect((up[1 * 3 + 1] ?? 0) - eyeLine(up)).toBeLessThan(
      (project(0, 0, 0)[1 * 3 + 1] ?? 0) - eyeLine(project(0, 0, 0)),
    );
    expect(headPose(up)?.pitchDeg).toBeGreaterThan(0);
  });

  it('yaw is not moved by the mouth, cheeks or brows (only rigid points count)', () => {
    const xyz = project(10, 0, 0);
    const before = headPose(xyz);
    // Jaw, lips, mouth corners, puffed cheeks and raised brows all moved sideways.
    for (const i of [152, 17, 14, 61, 291, 234, 454, 93, 323, 105, 334, 70, 300]) {
      setPoint(xyz, i, (xyz[i * 3] ?? 0) + 40, (xyz[i * 3 + 1] ?? 0) - 30);
    }
    expect(headPose(xyz)?.yawDeg).toBeCloseTo(before?.yawDeg ?? 99, 6);
  });

  it('gives no pose for a degenerate face', () => {
    expect(headPose(new Float32Array(478 * 3))).toBeUndefined();
  });
});
