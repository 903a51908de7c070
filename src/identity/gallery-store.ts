// Reads and writes the gallery file. Writes are atomic (temp file in the same directory, mode
// 0600, fsync, rename) so a crash or a full disk leaves the old gallery whole; a gallery that cannot
// be read or was made by another model is refused with a GalleryError and never overwritten.
import {
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import {
  checkSameModel,
  type EmbeddingModelId,
  type EnrolledStudent,
  type GalleryData,
  GalleryError,
  parseGallery,
  serialiseGallery,
} from './gallery-format.js';

/** `identity.gallery`, or <device.stateDir>/gallery.json when empty. */
export function galleryPath(config: Pick<Config, 'identity' | 'device'>): string {
  return config.identity.gallery || join(config.device.stateDir, 'gallery.json');
}

export interface GalleryStoreOptions {
  file: string;
  /** The embedding model running now; a gallery made by another is refused. */
  model: EmbeddingModelId;
}

export class GalleryStore {
  readonly file: string;
  private readonly model: EmbeddingModelId;

  constructor(options: GalleryStoreOptions) {
    this.file = options.file;
    this.model = options.model;
  }

  /** The gallery's students; an absent file is an empty gallery. */
  load(): EnrolledStudent[] {
    if (!existsSync(this.file)) return [];
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      throw new GalleryError('unreadable', this.file, (error as Error).message);
    }
    const data = parseGallery(text, this.file);
    checkSameModel(data, this.model, this.file);
    return data.students;
  }

  /** Whether the file is open to other users (it should be 0600); undefined when absent. */
  permissionsProblem(): string | undefined {
    if (!existsSync(this.file)) return undefined;
    const mode = statSync(this.file).mode & 0o777;
    return (mode & 0o077) === 0 ? undefined : `mode ${mode.toString(8)} lets other users read it`;
  }

  /** Load, change, save: `change` gets the students and returns the new list. */
  update(change: (students: EnrolledStudent[]) => EnrolledStudent[]): EnrolledStudent[] {
    const next = change(this.load());
    this.save(next);
    return next;
  }

  save(students: EnrolledStudent[]): void {
    const data: GalleryData = { model: this.model, students };
    writeAtomically(this.file, serialiseGallery(data));
  }
}

/** Temp file beside the target (same file system, so rename is atomic), 0600, fsync, rename. */
export function writeAtomically(file: string, text: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // `sudo classpulse enroll` must not leave a root-owned 0600 file the daemon's user cannot
    // read: the file takes the owner of its directory (systemd's StateDirectory is that user's).
    if (process.getuid?.() === 0) {
      const owner = statSync(dir);
      chownSync(temp, owner.uid, owner.gid);
    }
    renameSync(temp, file);
  } catch (error) {
    // The old gallery is untouched; do not leave a half-written temp file beside it.
    rmSync(temp, { force: true });
    throw error;
  }
  // The rename itself is durable only once the directory entry is flushed.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
