// Enrolment: embeddings of a student's photos, computed on the device by the real pipeline (detector,
// FaceMesh, face embedding) with no hints, exactly as the daemon sees a new face. Each photo must
// hold exactly one usable face (one FaceMesh could measure); anything else is refused with a
// message naming the file. Photos are only read: nothing of them but the embedding is kept.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { cv } from '../capture/cv.js';
import type { Pipeline } from '../pipeline/pipeline.js';

const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp'];

/** One photo, as enrolment judged it. */
export type PhotoResult =
  | { file: string; ok: true; embedding: Float32Array }
  | { file: string; ok: false; problem: string };

export interface PhotoList {
  files: string[];
  /** Arguments that were folders (a progress bar is shown for them). */
  fromFolder: boolean;
  /** Arguments that are neither an image file nor a folder. */
  problems: string[];
}

/** Expands folders (their image files, sorted; not recursive) and checks the paths exist. */
export function listPhotos(paths: readonly string[]): PhotoList {
  const files: string[] = [];
  const problems: string[] = [];
  let fromFolder = false;
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push(`${path}: no such file or folder`);
    } else if (statSync(path).isDirectory()) {
      fromFolder = true;
      const inside = readdirSync(path)
        .filter((name) => PHOTO_EXTENSIONS.includes(extname(name).toLowerCase()))
        .sort()
        .map((name) => join(path, name));
      if (inside.length === 0)
        problems.push(`${path}: folder holds no photo (${PHOTO_EXTENSIONS.join(', ')})`);
      files.push(...inside);
    } else {
      files.push(path);
    }
  }
  return { files, fromFolder, problems };
}

export interface EnrollerOptions {
  /** Initialised (`init()`) pipeline; its detection config decides which faces are found. */
  pipeline: Pipeline;
}

export class Enroller {
  constructor(private readonly options: EnrollerOptions) {}

  async embedPhoto(file: string): Promise<PhotoResult> {
    let image: ReturnType<typeof cv.imread>;
    try {
      image = cv.imread(file);
    } catch (error) {
      return {
        file,
        ok: false,
        problem: `cannot be read as an image (${(error as Error).message})`,
      };
    }
    if (image.empty) return { file, ok: false, problem: 'cannot be read as an image' };
    const frame = { seq: 0, tMs: 0, width: image.cols, height: image.rows, image };
    const { observations } = await this.options.pipeline.process(frame, []);
    const usable = observations.filter((o) => o.landmarks && o.embedding);
    if (usable.length > 1) {
      return {
        file,
        ok: false,
        problem: `${usable.length} faces found; use a photo of the student alone`,
      };
    }
    if (usable.length === 0) {
      return {
        file,
        ok: false,
        problem:
          observations.length === 0
            ? 'no face found'
            : 'the face is too small or turned away to measure',
      };
    }
    const embedding = usable[0]?.embedding;
    if (!embedding) return { file, ok: false, problem: 'no embedding computed' };
    return { file, ok: true, embedding };
  }
}
