// Detection windows over the frame. Distant back-row faces are ~30 px in 1280×720; shrunk with the
// whole frame into the detector's square input they fall below what it sees, so with `tiles` = N
// the frame is also covered by N rows of overlapping square tiles (as many per row as the width
// needs), each fed at full detector resolution. Square, because a window is padded to a square
// before it is resized: a 16:9 tile would spend almost half the input on padding. One row of
// tiles per detection run keeps the cost at 1 + columns runs (students sit still: a back-row face
// is found within N detection runs, then followed by its landmarks every frame).
import type { Box } from '../types.js';

/** Overlap between neighbouring tiles, as a share of a tile: a face up to this size is whole in one. */
export const TILE_OVERLAP = 0.25;

interface TileGrid {
  side: number;
  rows: number;
  cols: number;
}

/** Square tiles: `tiles` rows along the frame's short side, as many as needed along the long one. */
function tileGrid(widthPx: number, heightPx: number, tiles: number): TileGrid {
  const short = Math.min(widthPx, heightPx);
  const side = Math.min(short, Math.ceil((short / tiles) * (1 + TILE_OVERLAP)));
  const along = (length: number) =>
    length <= side ? 1 : Math.ceil((length - side) / (side * (1 - TILE_OVERLAP))) + 1;
  return { side, rows: along(heightPx), cols: along(widthPx) };
}

/** Detection runs it takes to cover a frame once: one row of tiles per run. */
export function detectionRounds(widthPx: number, heightPx: number, tiles: number): number {
  return tiles <= 1 ? 1 : tileGrid(widthPx, heightPx, tiles).rows;
}

/** A box this close to a tile's inner edge (share of the tile side) counts as cut by it. */
const TILE_EDGE_MARGIN = 0.02;

/**
 * A face cut by a tile's edge inside the frame comes back as a narrow part-face box that neither
 * NMS nor the containment rule always removes. Such a face is whole in the neighbouring tile when
 * it is smaller than the overlap, and in the whole-frame window when larger, so a detection that
 * reaches an inner edge of its tile is dropped. Edges on the frame border cut nothing.
 */
export function cutByTileEdge(
  box: Box,
  tile: Box,
  frame: { widthPx: number; heightPx: number },
): boolean {
  const margin = TILE_EDGE_MARGIN * Math.max(tile.w, tile.h);
  return (
    (tile.x > 0 && box.x <= tile.x + margin) ||
    (tile.y > 0 && box.y <= tile.y + margin) ||
    (tile.x + tile.w < frame.widthPx && box.x + box.w >= tile.x + tile.w - margin) ||
    (tile.y + tile.h < frame.heightPx && box.y + box.h >= tile.y + tile.h - margin)
  );
}

/** Tile origins along one side: the first at 0, the last ending at the edge, evenly between. */
function origins(length: number, side: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) =>
    count === 1 ? 0 : Math.round(((length - side) * i) / (count - 1)),
  );
}

/** The whole frame, then the tiles: all of them, or only those of row `onlyRow` (modulo rows). */
export function detectionWindows(
  widthPx: number,
  heightPx: number,
  tiles: number,
  onlyRow?: number,
): Box[] {
  const full: Box = { x: 0, y: 0, w: widthPx, h: heightPx };
  if (tiles <= 1) return [full];
  const { side, rows, cols } = tileGrid(widthPx, heightPx, tiles);
  const xs = origins(widthPx, side, cols);
  const windows: Box[] = [full];
  origins(heightPx, side, rows).forEach((y, row) => {
    if (onlyRow !== undefined && row !== onlyRow % rows) return;
    for (const x of xs) windows.push({ x, y, w: side, h: side });
  });
  return windows;
}

/**
 * Width of the window a lost face is looked for in, in face widths: it may have moved two widths
 * either way and still be whole in it, and it fills about a fifth of the detector's input, a size
 * SSD and BlazeFace find well whether the face was a back-row 30 px or a front-row 150 px.
 */
const SEARCH_SPAN = 5;

/** The square window a face lost near `box` is looked for in, inside the frame. */
export function searchWindow(box: Box, frame: { widthPx: number; heightPx: number }): Box {
  const side = Math.round(
    Math.min(Math.max(box.w, box.h) * SEARCH_SPAN, frame.widthPx, frame.heightPx),
  );
  const clamp = (start: number, length: number) =>
    Math.round(Math.min(Math.max(start, 0), length - side));
  return {
    x: clamp(box.x + box.w / 2 - side / 2, frame.widthPx),
    y: clamp(box.y + box.h / 2 - side / 2, frame.heightPx),
    w: side,
    h: side,
  };
}
