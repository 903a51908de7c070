// A synthetic classroom: real face crops (found by our detector in the face-api samples) pasted at
// classroom scales (30-120 px faces) onto a 1280×720 frame. Each face sways by a pixel or two per
// frame so the trackers follow moving faces rather than a frozen picture.
import { cv, type Mat } from '../capture/cv.js';
import type { Detection } from '../pipeline/types.js';
import type { Still } from './real-frames.js';

export const SCENE_WIDTH_PX = 1280;
export const SCENE_HEIGHT_PX = 720;
export const MIN_FACE_PX = 30;
export const MAX_FACE_PX = 120;
/** A pasted crop is this much larger than the face box, so FaceMesh sees chin and forehead. */
export const CROP_MARGIN = 1.6;

export interface FaceCrop {
  source: string;
  image: Mat;
}

export interface PlacedFace {
  crop: FaceCrop;
  xPx: number;
  yPx: number;
  faceWidthPx: number;
}

/** Cuts each detected face (with margin) out of the stills; faces under 60 px are left out. */
export function cropFaces(
  stills: readonly Still[],
  detectionsOf: (still: Still) => readonly Detection[],
): FaceCrop[] {
  const crops: FaceCrop[] = [];
  for (const still of stills) {
    for (const d of detectionsOf(still)) {
      if (d.w < 60) continue;
      const side = Math.max(d.w, d.h) * CROP_MARGIN;
      const x = Math.max(0, Math.round(d.x + d.w / 2 - side / 2));
      const y = Math.max(0, Math.round(d.y + d.h / 2 - side / 2));
      const w = Math.min(still.image.cols - x, Math.round(side));
      const h = Math.min(still.image.rows - y, Math.round(side));
      crops.push({
        source: still.name,
        image: still.image.getRegion(new cv.Rect(x, y, w, h)).copy(),
      });
    }
  }
  if (crops.length === 0) throw new Error('no face crop found for the synthetic classroom');
  return crops;
}

/** `count` faces on a grid, sizes spread deterministically over 30-120 px (capped by the cell). */
export function layoutClassroom(crops: readonly FaceCrop[], count: number): PlacedFace[] {
  const cols = Math.ceil(Math.sqrt((count * SCENE_WIDTH_PX) / SCENE_HEIGHT_PX));
  const rows = Math.ceil(count / cols);
  const cellW = SCENE_WIDTH_PX / cols;
  const cellH = SCENE_HEIGHT_PX / rows;
  const placed: PlacedFace[] = [];
  for (let i = 0; i < count; i++) {
    const crop = crops[i % crops.length];
    if (!crop) continue;
    const col = i % cols;
    const row = Math.floor(i / cols);
    // Back rows (top of the frame) are farther from the camera: sizes grow towards the front,
    // with a golden-ratio jitter so neighbours differ.
    const depth = (row + 0.5) / rows;
    const jitter = (((i * 0.618034) % 1) - 0.5) * 0.3;
    const share = Math.min(1, Math.max(0, depth + jitter));
    const wanted = MIN_FACE_PX + share * (MAX_FACE_PX - MIN_FACE_PX);
    const fits = (Math.min(cellW, cellH) - 8) / CROP_MARGIN;
    const faceWidthPx = Math.round(Math.max(MIN_FACE_PX, Math.min(wanted, fits)));
    const side = faceWidthPx * CROP_MARGIN;
    placed.push({
      crop,
      faceWidthPx,
      xPx: Math.round(col * cellW + (cellW - side) / 2),
      yPx: Math.round(row * cellH + (cellH - side) / 2),
    });
  }
  return placed;
}

/** Resized crops of a layout, made once: a frame then only pastes them. */
export class ClassroomScene {
  private readonly pasted: Array<{ face: PlacedFace; image: Mat }>;

  /** `background` (1280×720 BGR) replaces the plain wall colour. */
  constructor(
    readonly faces: readonly PlacedFace[],
    private readonly background?: Mat,
  ) {
    this.pasted = faces.map((face) => {
      const side = Math.round(face.faceWidthPx * CROP_MARGIN);
      const k = side / Math.max(face.crop.image.cols, face.crop.image.rows);
      const w = Math.max(1, Math.round(face.crop.image.cols * k));
      const h = Math.max(1, Math.round(face.crop.image.rows * k));
      return { face, image: face.crop.image.resize(h, w, 0, 0, cv.INTER_AREA) };
    });
  }

  /** Frame `seq`: the background (or a plain wall colour) with every face swayed by up to 2 px. */
  render(seq: number): Mat {
    const frame =
      this.background?.copy() ??
      new cv.Mat(SCENE_HEIGHT_PX, SCENE_WIDTH_PX, cv.CV_8UC3, [96, 112, 128]);
    this.pasted.forEach(({ face, image }, i) => {
      const dx = Math.round(2 * Math.sin(seq / 6 + i));
      const dy = Math.round(Math.cos(seq / 9 + i));
      const x = clamp(face.xPx + dx, 0, SCENE_WIDTH_PX - image.cols);
      const y = clamp(face.yPx + dy, 0, SCENE_HEIGHT_PX - image.rows);
      image.copyTo(frame.getRegion(new cv.Rect(x, y, image.cols, image.rows)));
    });
    return frame;
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
