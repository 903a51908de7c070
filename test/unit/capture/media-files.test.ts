// Paths → files: folders expanded (one level for enroll, the whole tree for analyze), hidden
// entries and other extensions skipped, missing paths and empty folders named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_EXTENSIONS, listMediaFiles } from '../../../src/capture/media-files.js';

describe('listMediaFiles', () => {
  const root = mkdtempSync(join(tmpdir(), 'media-files-'));
  mkdirSync(join(root, 'room', 'back'), { recursive: true });
  mkdirSync(join(root, 'room', '.cache'));
  mkdirSync(join(root, 'empty'));
  for (const f of [
    'room/b.JPG',
    'room/a.png',
    'room/notes.txt',
    'room/back/c.jpg',
    'room/.d.jpg',
    'room/.cache/e.jpg',
  ])
    writeFileSync(join(root, f), '');
  const options = { extensions: IMAGE_EXTENSIONS, noun: 'photo' };

  it('reads one level, sorted, or the whole tree', () => {
    const flat = listMediaFiles([join(root, 'room')], { ...options, recursive: false });
    expect(flat.files).toEqual([join(root, 'room/a.png'), join(root, 'room/b.JPG')]);
    expect(flat.fromFolder).toBe(true);
    const deep = listMediaFiles([join(root, 'room')], { ...options, recursive: true });
    expect(deep.files).toEqual([
      join(root, 'room/a.png'),
      join(root, 'room/b.JPG'),
      join(root, 'room/back/c.jpg'),
    ]);
  });

  it('keeps a named file whatever its extension and names what is missing or empty', () => {
    const list = listMediaFiles(
      [join(root, 'room/notes.txt'), join(root, 'nope.jpg'), join(root, 'empty')],
      { ...options, recursive: true },
    );
    expect(list.files).toEqual([join(root, 'room/notes.txt')]);
    expect(list.problems).toEqual([
      { path: join(root, 'nope.jpg'), problem: 'no such file or folder' },
      {
        path: join(root, 'empty'),
        problem: `folder holds no photo (${IMAGE_EXTENSIONS.join(', ')})`,
      },
    ]);
  });
});
