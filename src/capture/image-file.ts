// One still image from disk as a single frame (enroll, analyze): OpenCV decodes it, and a file it
// cannot decode is a problem named by the caller, never an exception.
import { cv } from './cv.js';
import type { Frame } from './frame.js';

export type ImageFrame = { ok: true; frame: Frame } | { ok: false; problem: string };

/** The image as frame 0 at time 0 (BGR, 3 channels). */
export function readImageFrame(file: string): ImageFrame {
  let image: ReturnType<typeof cv.imread>;
  try {
    image = cv.imread(file);
  } catch (error) {
    // OpenCV throws plain strings as well as Errors.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `cannot be read as an image (${detail})` };
  }
  if (image.empty) return { ok: false, problem: 'cannot be read as an image' };
  return { ok: true, frame: { seq: 0, tMs: 0, width: image.cols, height: image.rows, image } };
}
