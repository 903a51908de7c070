// Detection windows over the frame. Distant back-row faces are ~30 px in 1280×720; shrunk with the
// whole frame into a 512 input they fall below what the detector sees, so with `tiles` = N the
// frame is also covered by N×N overlapping windows, each fed at full detector resolution. One row
// of tiles per detection run keeps the cost at 1 + N runs instead of 1 + N² (students sit still:
// a back-row face is found within N detection runs, then followed by its landmarks every frame).
import type { Box } from '../types.js';

/** Overlap between neighbouring tiles, as a share of a tile: a face up to this size is whole in one. */
const TILE_OVERLAP = 0.25;

/** The whole frame, then the tiles: all of them, or only those of row `onlyRow`. */
export function detectionWindows(
  widthPx: number,
  heightPx: number,
  tiles: number,
  onlyRow?: number,
): Box[] {
  const full: Box = { x: 0, y: 0, w: widthPx, h: heightPx };
  if (tiles <= 1) return [full];
  const windows: Box[] = [full];
  const tileW = Math.min(widthPx, Math.ceil((widthPx / tiles) * (1 + TILE_OVERLAP)));
  const tileH = Math.min(heightPx, Math.ceil((heightPx / tiles) * (1 + TILE_OVERLAP)));
  for (let row = 0; row < tiles; row++) {
    if (onlyRow !== undefined && row !== onlyRow % tiles) continue;
    for (let col = 0; col < tiles; col++) {
      // Spread tile origins evenly so the first starts at 0 and the last ends at the edge.
      const x = Math.round(((widthPx - tileW) * col) / (tiles - 1));
      const y = Math.round(((heightPx - tileH) * row) / (tiles - 1));
      windows.push({ x, y, w: tileW, h: tileH });
    }
  }
  return windows;
}
