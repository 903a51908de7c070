import { describe, expect, it } from 'vitest';
import {
  blazefaceAnchors,
  decodeBlazeface,
} from '../../../src/pipeline/detect/blazeface-decode.js';
import { iou, nonMaxSuppression } from '../../../src/pipeline/detect/nms.js';
import {
  decodeNormalisedBoxes,
  normalisedToPixels,
} from '../../../src/pipeline/detect/ssd-decode.js';
import {
  cutByTileEdge,
  detectionRounds,
  detectionWindows,
  searchWindow,
  TILE_OVERLAP,
} from '../../../src/pipeline/detect/tiles.js';

describe('non-maximum suppression', () => {
  it('computes IoU of overlapping and disjoint boxes', () => {
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 20, w: 5, h: 5 })).toBe(0);
  });

  it('keeps the best of overlapping boxes and every separate face', () => {
    const kept = nonMaxSuppression(
      [
        { x: 0, y: 0, w: 10, h: 10, score: 0.6 },
        { x: 1, y: 1, w: 10, h: 10, score: 0.9 },
        { x: 50, y: 50, w: 10, h: 10, score: 0.7 },
      ],
      { iouThreshold: 0.3 },
    );
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.7]);
  });

  it('drops a half face inside a whole one when asked (tile seams)', () => {
    const whole = { x: 0, y: 0, w: 20, h: 20, score: 0.9 };
    const half = { x: 10, y: 0, w: 10, h: 20, score: 0.8 };
    expect(nonMaxSuppression([whole, half], { iouThreshold: 0.6 })).toHaveLength(2);
    expect(nonMaxSuppression([whole, half], { iouThreshold: 0.6, containThreshold: 0.8 })).toEqual([
      whole,
    ]);
  });
});

describe('BlazeFace decode', () => {
  it('lays out 896 anchors: 16×16×2 at stride 16, then 8×8×6 at stride 32', () => {
    const anchors = blazefaceAnchors(256);
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ xPx: 8, yPx: 8 });
    expect(anchors[511]).toEqual({ xPx: 248, yPx: 248 });
    expect(anchors[512]).toEqual({ xPx: 16, yPx: 16 });
  });

  it('decodes centre offsets and sizes around the anchor and thresholds on score', () => {
    const anchors = blazefaceAnchors(256);
    const logits = new Float32Array(896).fill(-10);
    const regressors = new Float32Array(896 * 16);
    logits[3] = 2; // anchor 3: cell (1, 0), centre (24, 8)
    regressors.set([2, 4, 20, 30, 1, 1], 3 * 16);
    const out = decodeBlazeface({ logits, regressors }, anchors, 0.5);
    expect(out).toHaveLength(1);
    const d = out[0];
    expect(d?.x).toBeCloseTo(24 + 2 - 10);
    expect(d?.y).toBeCloseTo(8 + 4 - 15);
    expect(d?.w).toBe(20);
    expect(d?.score).toBeCloseTo(1 / (1 + Math.exp(-2)));
    expect(d?.keypoints[0]).toEqual({ x: 25, y: 9 });
  });
});

describe('face-api detector outputs', () => {
  it('scales normalised [ymin, xmin, ymax, xmax] boxes to the square and thresholds them', () => {
    const boxes = new Float32Array([0.1, 0.2, 0.3, 0.6, 0, 0, 0.5, 0.5]);
    const scores = new Float32Array([0.8, 0.3]);
    const out = decodeNormalisedBoxes({ boxes, scores }, 100, 0.5);
    expect(out).toHaveLength(1);
    expect(out[0]?.x).toBeCloseTo(20);
    expect(out[0]?.y).toBeCloseTo(10);
    expect(out[0]?.w).toBeCloseTo(40);
    expect(out[0]?.h).toBeCloseTo(20);
    expect(out[0]?.score).toBeCloseTo(0.8);
  });

  it('clamps boxes reaching past the input to its edges, as face-api does', () => {
    const d = normalisedToPixels({ ymin: -0.1, xmin: 0.9, ymax: 0.5, xmax: 1.2 }, 200, 0.9);
    expect(d).toEqual({ x: 180, y: 0, w: 20, h: 100, score: 0.9 });
  });
});

describe('detection windows', () => {
  it('is the whole frame without tiling', () => {
    expect(detectionWindows(1280, 720, 1)).toEqual([{ x: 0, y: 0, w: 1280, h: 720 }]);
    expect(detectionRounds(1280, 720, 1)).toBe(1);
  });

  it('adds N rows of overlapping square tiles that cover the frame edge to edge', () => {
    const windows = detectionWindows(1280, 720, 2);
    const tiles = windows.slice(1);
    // 2 rows of 450 px squares (720 / 2 × 1.25); 4 columns cover 1280 px with the same overlap.
    expect(tiles).toHaveLength(8);
    for (const t of tiles) expect(t).toMatchObject({ w: 450, h: 450 });
    expect(Math.min(...tiles.map((t) => t.x))).toBe(0);
    expect(Math.max(...tiles.map((t) => t.x + t.w))).toBe(1280);
    expect(Math.max(...tiles.map((t) => t.y + t.h))).toBe(720);
    // Neighbours overlap by at least TILE_OVERLAP, so a face that small is whole in some tile.
    const [first, second] = tiles;
    expect((first?.x ?? 0) + 450 - (second?.x ?? 0)).toBeGreaterThanOrEqual(450 * TILE_OVERLAP);
    expect(detectionWindows(1280, 720, 3).slice(1)).toHaveLength(18);
  });

  it('covers a portrait frame with as many rows as its height needs', () => {
    const tiles = detectionWindows(720, 1280, 2).slice(1);
    expect(detectionRounds(720, 1280, 2)).toBe(4);
    expect(tiles).toHaveLength(8);
    expect(Math.max(...tiles.map((t) => t.y + t.h))).toBe(1280);
  });

  it('can cover one row of tiles per run: the rows together are all the tiles', () => {
    const all = detectionWindows(1280, 720, 3).slice(1);
    expect(detectionRounds(1280, 720, 3)).toBe(3);
    const rows = [0, 1, 2].map((row) => detectionWindows(1280, 720, 3, row));
    for (const windows of rows) {
      expect(windows).toHaveLength(7);
      expect(windows[0]).toEqual({ x: 0, y: 0, w: 1280, h: 720 });
    }
    expect(rows.flatMap((w) => w.slice(1))).toEqual(all);
    expect(detectionWindows(1280, 720, 3, 4)).toEqual(rows[1]);
  });
});

describe('the window a lost face is looked for in', () => {
  const frame = { widthPx: 1280, heightPx: 720 };

  it('is a square of five face widths centred on where the face was', () => {
    const window = searchWindow({ x: 600, y: 100, w: 40, h: 44 }, frame);
    expect(window).toEqual({ x: 510, y: 12, w: 220, h: 220 });
  });

  it('stays inside the frame at its edges, and is never larger than its short side', () => {
    expect(searchWindow({ x: 5, y: 690, w: 30, h: 30 }, frame)).toEqual({
      x: 0,
      y: 570,
      w: 150,
      h: 150,
    });
    expect(searchWindow({ x: 500, y: 200, w: 300, h: 320 }, frame)).toEqual({
      x: 290,
      y: 0,
      w: 720,
      h: 720,
    });
  });
});

describe('faces cut by a tile edge', () => {
  const frame = { widthPx: 1280, heightPx: 720 };
  // The second tile of the top row of 1280×720 at tiles 2: x 277-727, y 0-450.
  const tile = { x: 277, y: 0, w: 450, h: 450 };

  it('drops a box reaching an inner edge of its tile (a part face)', () => {
    expect(cutByTileEdge({ x: 700, y: 40, w: 26, h: 50 }, tile, frame)).toBe(true);
    expect(cutByTileEdge({ x: 278, y: 40, w: 20, h: 50 }, tile, frame)).toBe(true);
    expect(cutByTileEdge({ x: 400, y: 420, w: 40, h: 29 }, tile, frame)).toBe(true);
  });

  it('keeps a box clear of the edges, and one on the frame border (nothing cut it there)', () => {
    expect(cutByTileEdge({ x: 400, y: 100, w: 40, h: 50 }, tile, frame)).toBe(false);
    expect(cutByTileEdge({ x: 400, y: 0, w: 40, h: 30 }, tile, frame)).toBe(false);
    const corner = { x: 0, y: 0, w: 450, h: 450 };
    expect(cutByTileEdge({ x: 0, y: 0, w: 30, h: 30 }, corner, frame)).toBe(false);
  });
});
