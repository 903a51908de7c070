// Enrolment: embeddings of a student's photos, computed on the device by the real pipeline (detector,
// FaceMesh, face embedding) with no hints, exactly as the daemon sees a new face. Each photo must
// hold exactly one usable face (one FaceMesh could measure); anything else is refused with a
// message naming the file. Photos are only read: nothing of them but the embedding is kept.
import { readImageFrame } from '../capture/image-file.js';
import { IMAGE_EXTENSIONS, listMediaFiles, type MediaList } from '../capture/media-files.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/** One photo, as enrolment judged it. */
export type PhotoResult =
  | { file: string; ok: true; embedding: Float32Array }
  | { file: string; ok: false; problem: string };

/** Expands folders (their image files, sorted; not recursive) and checks the paths exist. */
export function listPhotos(paths: readonly string[]): MediaList {
  return listMediaFiles(paths, { extensions: IMAGE_EXTENSIONS, recursive: false, noun: 'photo' });
}

export interface EnrollerOptions {
  /** Initialised (`init()`) pipeline; its detection config decides which faces are found. */
  pipeline: Pipeline;
}

export class Enroller {
  constructor(private readonly options: EnrollerOptions) {}

  async embedPhoto(file: string): Promise<PhotoResult> {
    const read = readImageFrame(file);
    if (!read.ok) return { file, ok: false, problem: read.problem };
    const frame = read.frame;
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
