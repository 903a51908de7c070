import { describe, expect, it } from 'vitest';
import {
  type FaceCrop,
  layoutClassroom,
  MAX_FACE_PX,
  MIN_FACE_PX,
  SCENE_HEIGHT_PX,
  SCENE_WIDTH_PX,
} from '../../../src/bench/classroom-scene.js';

// Layout reads only the crops' identity, never their pixels.
const crops = [{ source: 'a' }, { source: 'b' }, { source: 'c' }] as unknown as FaceCrop[];

describe('synthetic classroom layout', () => {
  for (const count of [1, 5, 10, 20, 30]) {
    it(`${count} faces: all placed, 30-120 px, inside the frame, not overlapping`, () => {
      const faces = layoutClassroom(crops, count);
      expect(faces).toHaveLength(count);
      for (const f of faces) {
        expect(f.faceWidthPx).toBeGreaterThanOrEqual(MIN_FACE_PX);
        expect(f.faceWidthPx).toBeLessThanOrEqual(MAX_FACE_PX);
        const side = f.faceWidthPx * 1.6;
        expect(f.xPx).toBeGreaterThanOrEqual(0);
        expect(f.yPx).toBeGreaterThanOrEqual(0);
        expect(f.xPx + side).toBeLessThanOrEqual(SCENE_WIDTH_PX);
        expect(f.yPx + side).toBeLessThanOrEqual(SCENE_HEIGHT_PX);
      }
      for (const [i, a] of faces.entries()) {
        for (const b of faces.slice(i + 1)) {
          const sa = a.faceWidthPx * 1.6;
          const sb = b.faceWidthPx * 1.6;
          const apart =
            a.xPx + sa <= b.xPx ||
            b.xPx + sb <= a.xPx ||
            a.yPx + sa <= b.yPx ||
            b.yPx + sb <= a.yPx;
          expect(apart).toBe(true);
        }
      }
    });
  }

  it('uses every crop in turn and spreads sizes from back rows (small) to front rows (large)', () => {
    const faces = layoutClassroom(crops, 30);
    expect(new Set(faces.map((f) => f.crop.source)).size).toBe(3);
    const back = faces.filter((f) => f.yPx < SCENE_HEIGHT_PX / 4).map((f) => f.faceWidthPx);
    const front = faces
      .filter((f) => f.yPx > (SCENE_HEIGHT_PX * 3) / 4 - 120)
      .map((f) => f.faceWidthPx);
    expect(Math.max(...back)).toBeLessThan(Math.max(...front));
    expect(Math.min(...faces.map((f) => f.faceWidthPx))).toBeLessThan(50);
  });
});
