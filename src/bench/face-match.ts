// Scoring detections against faces pasted at a known place and size (the synthetic classrooms):
// one detection per face, by centre distance and width. Pure: no OpenCV, no models.
import type { Detection } from '../pipeline/types.js';

/** Where a face was pasted: its crop's top-left corner and the face width inside it. */
export interface PastedFace {
  xPx: number;
  yPx: number;
  faceWidthPx: number;
}

export interface FaceMatch {
  found: number;
  falsePositives: number;
  /** Index into the faces of every face found. */
  foundFaces: number[];
}

/**
 * Greedy one-to-one matching, best score first: a detection finds a face when its centre lies
 * within half a face width of the face's centre and its width is 0.5–2× the face's. Anything else
 * (a second box on a face included) is a false positive. `cropMargin` is the crop side over the
 * face width (the face sits in the middle of its crop).
 */
export function matchFaces(
  faces: readonly PastedFace[],
  detections: readonly Detection[],
  cropMargin: number,
): FaceMatch {
  const free = new Set(faces.map((_, i) => i));
  const foundFaces: number[] = [];
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    const cx = d.x + d.w / 2;
    const cy = d.y + d.h / 2;
    const hit = [...free].find((i) => {
      const f = faces[i] as PastedFace;
      const half = (f.faceWidthPx * cropMargin) / 2;
      const dist = Math.hypot(cx - (f.xPx + half), cy - (f.yPx + half));
      return dist <= f.faceWidthPx / 2 && d.w >= f.faceWidthPx / 2 && d.w <= f.faceWidthPx * 2;
    });
    if (hit === undefined) continue;
    free.delete(hit);
    foundFaces.push(hit);
  }
  foundFaces.sort((a, b) => a - b);
  return {
    found: foundFaces.length,
    falsePositives: detections.length - foundFaces.length,
    foundFaces,
  };
}
