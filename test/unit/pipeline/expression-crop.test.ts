// face-api's expression crop (extractFaceTensors + toBatchTensor(112, centred)) as one affine map
// and a frame region, and the aligned box estimated from FaceMesh's 68 dlib-layout points.
import { describe, expect, it } from 'vitest';
import {
  expressionBox,
  expressionCrop,
  faceApiCrop,
  meshPoints68,
  noseOffset,
} from '../../../src/pipeline/describe/expression-crop.js';
import { applyAffine } from '../../../src/pipeline/geometry/affine.js';
import { boxOfPoints } from '../../../src/pipeline/geometry/face-region.js';
import { VTX68 } from '../../../src/pipeline/landmarks/mesh-indices.js';

describe("face-api's crop of a box", () => {
  it('clips and floors the box, then pads the short side, the end side by round(diff / 2)', () => {
    // 100 × 61 after flooring: 39 rows of padding, 20 after the box and 19 before it.
    const crop = faceApiCrop({ x: 10.6, y: 20.2, w: 100.4, h: 61.5 }, 640, 480, 112);
    expect(crop?.region).toEqual({ x: 10, y: 20, w: 100, h: 61 });
    const m = crop?.toInput;
    if (!m) throw new Error('no crop');
    // Pixel (10, 20) of the frame is the first pixel of the slice, which sits 19 rows down.
    const first = applyAffine(m, { x: 10, y: 20 });
    expect(first.x).toBeCloseTo(0, 6);
    expect(first.y).toBeCloseTo(19 * 1.12, 6);
    // tfjs resizeBilinear without half-pixel centres: the scale is output / input side exactly.
    const last = applyAffine(m, { x: 110, y: 20 });
    expect(last.x).toBeCloseTo(112, 6);
  });

  it('keeps only the part inside the frame, as face-api clips at the image border', () => {
    const crop = faceApiCrop({ x: -20, y: -10, w: 100, h: 100 }, 640, 480, 112);
    expect(crop?.region).toEqual({ x: 0, y: 0, w: 80, h: 90 });
    const m = crop?.toInput;
    if (!m) throw new Error('no crop');
    // 90 × 90 square: 10 columns of padding, 5 after and 5 before the slice.
    expect(applyAffine(m, { x: 0, y: 0 }).x).toBeCloseTo((5 * 112) / 90, 6);
    expect(applyAffine(m, { x: 0, y: 0 }).y).toBeCloseTo(0, 6);
  });

  it('gives no crop for a box outside the frame (face-api drops that face)', () => {
    expect(faceApiCrop({ x: 700, y: 10, w: 50, h: 50 }, 640, 480, 112)).toBeUndefined();
  });
});

/** A flat frontal face: the 68 points of a 100-px wide face, nose tip `turn` px off centre. */
function landmarks(turn = 0): Float32Array {
  const xyz = new Float32Array(478 * 3);
  VTX68.forEach((v, i) => {
    const angle = (i / 68) * 2 * Math.PI;
    xyz[v * 3] = 300 + 50 * Math.cos(angle);
    xyz[v * 3 + 1] = 200 + 60 * Math.sin(angle);
  });
  const jawStart = VTX68[0];
  const jawEnd = VTX68[16];
  const nose = VTX68[30];
  xyz[jawStart * 3] = 250;
  xyz[jawEnd * 3] = 350;
  xyz[nose * 3] = 300 + turn;
  return xyz;
}

describe('the aligned box from FaceMesh', () => {
  it('measures how turned the head is from the nose tip against the jaw ends', () => {
    const frontal = meshPoints68(landmarks());
    expect(noseOffset(frontal, boxOfPoints(frontal, 68))).toBeCloseTo(0, 6);
    const turned = meshPoints68(landmarks(20));
    expect(noseOffset(turned, boxOfPoints(turned, 68))).toBeCloseTo(0.2, 6);
  });

  it('frames a frontal face with a margin on every side, as face-api pads its 68 points', () => {
    const points = boxOfPoints(meshPoints68(landmarks()), 68);
    const box = expressionBox(landmarks());
    expect(box.x).toBeLessThan(points.x);
    expect(box.y).toBeLessThan(points.y);
    expect(box.x + box.w).toBeGreaterThan(points.x + points.w);
    expect(box.y + box.h).toBeGreaterThan(points.y + points.h);
    // About face-api's 20 % in all.
    expect(box.w / points.w).toBeGreaterThan(1.1);
    expect(box.w / points.w).toBeLessThan(1.3);
  });

  it('moves with the turn: a head turned to the right of the picture gets a box further right', () => {
    expect(expressionBox(landmarks(20)).x).toBeGreaterThan(expressionBox(landmarks()).x);
  });

  it('crops the detector box when FaceMesh did not measure the face', () => {
    const box = { x: 100, y: 100, w: 80, h: 80 };
    expect(expressionCrop({ box }, 640, 480, 112)).toEqual(faceApiCrop(box, 640, 480, 112));
    expect(expressionCrop({ box, landmarks: landmarks() }, 640, 480, 112).region).not.toEqual(
      faceApiCrop(box, 640, 480, 112)?.region,
    );
  });
});
