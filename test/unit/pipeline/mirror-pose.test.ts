import { describe, expect, it } from 'vitest';
import { type Affine, applyAffine } from '../../../src/pipeline/geometry/affine.js';
import { type FaceRegion, regionToCrop } from '../../../src/pipeline/geometry/face-region.js';
import {
  carriedPose,
  flippedCrop,
  type MirrorPose,
  mirroredPose,
  mirrorsPose,
  needsMirrorRun,
} from '../../../src/pipeline/landmarks/mirror-pose.js';

const CROP_PX = 192;
const FRAME_W = 640;

/** The pose memory driven as the mesh reader drives it: which readings ran the flipped crop. */
function drive(yaws: number[], flippedOf: (yaw: number) => number): boolean[] {
  let pose: MirrorPose | undefined;
  return yaws.map((yaw) => {
    const run = needsMirrorRun(pose, yaw);
    pose = run || !pose ? mirroredPose(yaw, flippedOf(yaw)) : carriedPose(pose, yaw);
    return run;
  });
}

describe('mirror pose', () => {
  it('reads the crop of the mirrored frame: the flipped crop of the region', () => {
    // On a frame flipped left-right (OpenCV flip: x -> W - 1 - x), the same face's region has its
    // centre mirrored and its roll negated; its crop must be this crop flipped.
    const regions: FaceRegion[] = [
      { cxPx: 200, cyPx: 150, sizePx: 150, angleRad: 0 },
      { cxPx: 410.5, cyPx: 222, sizePx: 121, angleRad: 0.3 },
      { cxPx: 77, cyPx: 300, sizePx: 260, angleRad: -0.45 },
    ];
    for (const region of regions) {
      const mirrored = { ...region, cxPx: FRAME_W - 1 - region.cxPx, angleRad: -region.angleRad };
      const flipped: Affine = flippedCrop(regionToCrop(region, CROP_PX), CROP_PX);
      const ofMirror = regionToCrop(mirrored, CROP_PX);
      for (const p of [
        { x: region.cxPx, y: region.cyPx },
        { x: region.cxPx - 40, y: region.cyPx + 25 },
        { x: 3, y: 5 },
      ]) {
        const a = applyAffine(flipped, p);
        const b = applyAffine(ofMirror, { x: FRAME_W - 1 - p.x, y: p.y });
        expect(a.x).toBeCloseTo(b.x, 6);
        expect(a.y).toBeCloseTo(b.y, 6);
      }
      expect(applyAffine(flipped, { x: region.cxPx, y: region.cyPx }).x).toBeCloseTo(
        CROP_PX / 2,
        6,
      );
    }
  });

  it('takes the odd part: a face and its mirror read opposite yaws, the bias aside', () => {
    // FaceMesh reads 10° on the crop and -6° on the flipped crop: a bias of +2°.
    const pose = mirroredPose(10, -6);
    expect(pose.biasDeg).toBe(2);
    expect(pose.yawDeg).toBe(8);
    // The mirrored frame's crop is the flipped crop: the two readings swap.
    expect(mirroredPose(-6, 10).yawDeg).toBe(-8);
  });

  it('subtracts the last bias on readings without a flipped run', () => {
    const pose = carriedPose(mirroredPose(10, -6), 11);
    expect(pose).toEqual({ yawDeg: 9, biasDeg: 2, yawAtRunDeg: 10, age: 1 });
  });

  it('runs the flipped crop on a new face, every fourth reading, and when the yaw moves', () => {
    const still = drive(new Array(9).fill(5), (y) => -y);
    expect(still).toEqual([true, false, false, false, true, false, false, false, true]);
    // A turn: each reading more than 2° past the last flipped run's.
    const turning = drive([0, 1, 2, 2.5, 5, 9, 13, 13.5, 13], (y) => -y);
    expect(turning).toEqual([true, false, false, true, true, true, true, false, false]);
  });

  it('applies to faces of 80 px and more, measured by the width of their landmarks', () => {
    // Points 40 crop pixels apart in x in a 192 px crop of a region 384 px wide: an 80 px face.
    const crop = new Float32Array([76, 50, 0, 116, 60, 0, 96, 150, 0]);
    expect(mirrorsPose(crop, CROP_PX, 384)).toBe(true);
    expect(mirrorsPose(crop, CROP_PX, 380)).toBe(false);
  });
});
