// Command-line paths → the files they name: a file stands for itself, a folder for the files in it
// with one of the given extensions (sorted; hidden entries skipped). `enroll` reads one level,
// `analyze` whole trees.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.bmp', '.webp'];
export const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v'];

export interface MediaList {
  files: string[];
  /** Some argument was a folder (commands show a progress bar then). */
  fromFolder: boolean;
  /** Arguments that do not exist, and folders holding no file of the given kinds. */
  problems: Array<{ path: string; problem: string }>;
}

export interface MediaListOptions {
  extensions: readonly string[];
  /** Descend into sub-folders. */
  recursive: boolean;
  /** What the files are called in messages ("photo", "image or video"). */
  noun: string;
}

export function listMediaFiles(paths: readonly string[], options: MediaListOptions): MediaList {
  const files: string[] = [];
  const problems: MediaList['problems'] = [];
  let fromFolder = false;
  for (const path of paths) {
    if (!existsSync(path)) {
      problems.push({ path, problem: 'no such file or folder' });
    } else if (statSync(path).isDirectory()) {
      fromFolder = true;
      const inside = folderFiles(path, options);
      if (inside.length === 0)
        problems.push({
          path,
          problem: `folder holds no ${options.noun} (${options.extensions.join(', ')})`,
        });
      files.push(...inside);
    } else {
      files.push(path);
    }
  }
  return { files, fromFolder, problems };
}

function folderFiles(folder: string, options: MediaListOptions): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (options.recursive) out.push(...folderFiles(path, options));
    } else if (options.extensions.includes(extname(entry.name).toLowerCase())) {
      out.push(path);
    }
  }
  return out;
}
