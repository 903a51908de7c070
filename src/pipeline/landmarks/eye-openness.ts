// Eye aspect ratio (Soukupová & Čech 2016) on FaceMesh lids: mean lid gap over three positions
// along the eye, divided by the corner-to-corner width. Scale- and roll-free, so it needs no
// calibration here; the blink tracker compares it to each student's own open-eye baseline.
import type { EyeOpenness } from '../types.js';
import { EYE_CORNERS, type EyeSide, LID_PAIRS } from './mesh-indices.js';

function distance(xyz: Float32Array, i: number, j: number): number {
  const dx = (xyz[i * 3] ?? 0) - (xyz[j * 3] ?? 0);
  const dy = (xyz[i * 3 + 1] ?? 0) - (xyz[j * 3 + 1] ?? 0);
  return Math.hypot(dx, dy);
}

export function eyeAspectRatio(xyz: Float32Array, side: EyeSide): number {
  const width = distance(xyz, EYE_CORNERS[side].outer, EYE_CORNERS[side].inner);
  if (width <= 0) return 0;
  const pairs = LID_PAIRS[side];
  let gap = 0;
  for (const pair of pairs) gap += distance(xyz, pair.upper, pair.lower);
  return gap / pairs.length / width;
}

export function eyeOpenness(xyz: Float32Array): EyeOpenness {
  return { left: eyeAspectRatio(xyz, 'left'), right: eyeAspectRatio(xyz, 'right') };
}
