// The gallery file: enrolled students' face embeddings (never photos), tied to the exact embedding
// model that made them. Embeddings from another model (or another precision of it) live in another
// space: comparing them would accept strangers or miss everyone, so such a file is refused.

/** Student ids appear in MQTT topics and payloads: letters, digits, '-', '_' only. */
const STUDENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Prefixes the trackers use for their own ids; an enrolled id must never look like one. */
const RESERVED_PREFIXES = ['anon-', 'pending-'];

const GALLERY_FORMAT = 'classpulse-gallery';
const GALLERY_VERSION = 1;
const EMBEDDING_DIMS = 128;

/** Which model file made the embeddings (from models/manifest.json). */
export interface EmbeddingModelId {
  name: string;
  precision: string;
  sha256: string;
}

export interface EnrolledStudent {
  id: string;
  /** ISO time of the last enrolment. */
  enrolledAt: string;
  /** L2-normalised, EMBEDDING_DIMS long; one per accepted photo. */
  embeddings: Float32Array[];
}

export interface GalleryData {
  model: EmbeddingModelId;
  students: EnrolledStudent[];
}

export type GalleryProblem = 'unreadable' | 'corrupt' | 'other-model' | 'permissions';

/** A gallery that cannot be used as it is. Nothing is written when this is thrown. */
export class GalleryError extends Error {
  constructor(
    readonly problem: GalleryProblem,
    readonly file: string,
    detail: string,
  ) {
    super(`gallery ${file}: ${detail}`);
    this.name = 'GalleryError';
  }
}

/** Why an id cannot be enrolled, or undefined when it can. */
export function studentIdProblem(id: string): string | undefined {
  if (!STUDENT_ID_PATTERN.test(id)) {
    return `student id "${id}" must be 1-64 letters, digits, '-' or '_' (it is used in MQTT topics)`;
  }
  const reserved = RESERVED_PREFIXES.find((p) => id.toLowerCase().startsWith(p));
  if (reserved)
    return `student id "${id}" must not start with "${reserved}" (used for anonymous tracks)`;
  return undefined;
}

export function serialiseGallery(data: GalleryData): string {
  return `${JSON.stringify(
    {
      format: GALLERY_FORMAT,
      version: GALLERY_VERSION,
      model: data.model,
      students: data.students.map((s) => ({
        id: s.id,
        enrolledAt: s.enrolledAt,
        // Six decimals keep distances exact to ~1e-6, far below any threshold.
        embeddings: s.embeddings.map((e) => Array.from(e, (x) => Number(x.toFixed(6)))),
      })),
    },
    null,
    1,
  )}\n`;
}

/** Parses and checks a gallery file's text; `file` only names it in errors. */
export function parseGallery(text: string, file: string): GalleryData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GalleryError('corrupt', file, `not valid JSON (${(error as Error).message})`);
  }
  const bad = (detail: string) => new GalleryError('corrupt', file, detail);
  if (!isRecord(raw) || raw.format !== GALLERY_FORMAT) throw bad(`not a ${GALLERY_FORMAT} file`);
  if (raw.version !== GALLERY_VERSION) {
    throw bad(`format version ${String(raw.version)} is not the supported ${GALLERY_VERSION}`);
  }
  const model = raw.model;
  if (
    !isRecord(model) ||
    typeof model.name !== 'string' ||
    typeof model.precision !== 'string' ||
    typeof model.sha256 !== 'string'
  ) {
    throw bad('the embedding model (name, precision, sha256) is not recorded');
  }
  if (!Array.isArray(raw.students)) throw bad('"students" is not a list');
  const seen = new Set<string>();
  const students = raw.students.map((s: unknown, i: number): EnrolledStudent => {
    if (!isRecord(s) || typeof s.id !== 'string' || typeof s.enrolledAt !== 'string') {
      throw bad(`student #${i + 1} has no id or enrolment time`);
    }
    const idProblem = studentIdProblem(s.id);
    if (idProblem) throw bad(idProblem);
    if (seen.has(s.id)) throw bad(`student "${s.id}" appears twice`);
    seen.add(s.id);
    if (!Array.isArray(s.embeddings) || s.embeddings.length === 0) {
      throw bad(`student "${s.id}" has no embeddings`);
    }
    const embeddings = s.embeddings.map((e: unknown) => {
      if (
        !Array.isArray(e) ||
        e.length !== EMBEDDING_DIMS ||
        !e.every((x) => typeof x === 'number' && Number.isFinite(x))
      ) {
        throw bad(`student "${s.id}" has an embedding that is not ${EMBEDDING_DIMS} numbers`);
      }
      return Float32Array.from(e as number[]);
    });
    return { id: s.id, enrolledAt: s.enrolledAt, embeddings };
  });
  return {
    model: { name: model.name, precision: model.precision, sha256: model.sha256 },
    students,
  };
}

/** Refuses a gallery made by another embedding model than the one running now. */
export function checkSameModel(data: GalleryData, running: EmbeddingModelId, file: string): void {
  const m = data.model;
  if (m.name !== running.name || m.precision !== running.precision || m.sha256 !== running.sha256) {
    throw new GalleryError(
      'other-model',
      file,
      `made by ${m.name} (${m.precision}, sha256 ${m.sha256.slice(0, 12)}…) but this device runs ` +
        `${running.name} (${running.precision}, sha256 ${running.sha256.slice(0, 12)}…); ` +
        'embeddings from different models cannot be compared: re-enrol the students, or run the ' +
        'model the gallery was made with',
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
