import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GalleryError, studentIdProblem } from '../../../src/identity/gallery-format.js';
import { GalleryStore, galleryPath, writeAtomically } from '../../../src/identity/gallery-store.js';
import { axis, MODEL, near, student } from './fixtures.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'gallery-')), 'state', 'gallery.json');

function errorOf(fn: () => unknown): GalleryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GalleryError) return error;
    throw error;
  }
  throw new Error('expected a GalleryError');
}

describe('GalleryStore', () => {
  it('an absent gallery is empty', () => {
    expect(new GalleryStore({ file: tempFile(), model: MODEL }).load()).toEqual([]);
  });

  it('writes embeddings only, mode 0600, atomically, and reads them back', () => {
    const file = tempFile();
    const store = new GalleryStore({ file, model: MODEL });
    store.save([student('ana', axis(0), near(0, 1, 0.2)), student('ben', axis(5))]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temp file is left beside it.
    expect(readdirSync(join(file, '..'))).toEqual(['gallery.json']);
    const back = store.load();
    expect(back.map((s) => [s.id, s.embeddings.length])).toEqual([
      ['ana', 2],
      ['ben', 1],
    ]);
    expect(back[0]?.embeddings[1]?.[1]).toBeCloseTo(near(0, 1, 0.2)[1] ?? 0, 5);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['format', 'model', 'students', 'version']);
    expect(store.permissionsProblem()).toBeUndefined();
  });

  it('refuses a corrupt gallery with a clear error and never overwrites it', () => {
    const file = tempFile();
    new GalleryStore({ file, model: MODEL }).save([student('ana', axis(0))]);
    const broken = readFileSync(file, 'utf8').slice(0, 100);
    writeFileSync(file, broken);
    const store = new GalleryStore({ file, model: MODEL });
    const error = errorOf(() => store.update((s) => [...s, student('ben', axis(1))]));
    expect(error.problem).toBe('corrupt');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('refuses well-formed files with wrong contents, naming what is wrong', () => {
    const file = tempFile();
    const store = new GalleryStore({ file, model: MODEL });
    store.save([student('ana', axis(0))]);
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const cases: Array<[unknown, string]> = [
      [{ ...good, format: 'other' }, 'not a classpulse-gallery file'],
      [{ ...good, version: 2 }, 'format version 2'],
      [{ ...good, students: [{ ...good.students[0], embeddings: [[1, 2]] }] }, 'not 128 numbers'],
      [{ ...good, students: [good.students[0], good.students[0]] }, 'appears twice'],
      [{ ...good, students: [{ ...good.students[0], id: 'a/b' }] }, 'MQTT topics'],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, JSON.stringify(content));
      expect(errorOf(() => store.load()).message).toContain(message);
    }
  });

  it('refuses a gallery from another model version and leaves it as it was', () => {
    const file = tempFile();
    new GalleryStore({ file, model: MODEL }).save([student('ana', axis(0))]);
    const before = readFileSync(file, 'utf8');
    const newer = new GalleryStore({ file, model: { ...MODEL, sha256: 'b'.repeat(64) } });
    const error = errorOf(() => newer.update(() => []));
    expect(error.problem).toBe('other-model');
    expect(error.message).toContain('re-enrol');
    const otherPrecision = new GalleryStore({ file, model: { ...MODEL, precision: 'fp32' } });
    expect(errorOf(() => otherPrecision.load()).problem).toBe('other-model');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a write that fails leaves neither a temp file nor a changed target', () => {
    const file = tempFile();
    // A non-empty directory where the gallery should be: the rename fails.
    mkdirSync(join(file, 'x'), { recursive: true });
    expect(() => writeAtomically(file, '{}')).toThrow();
    expect(readdirSync(join(file, '..'))).toEqual(['gallery.json']);
    expect(readdirSync(file)).toEqual(['x']);
  });

  it('reports a gallery other users can read', () => {
    const file = tempFile();
    const store = new GalleryStore({ file, model: MODEL });
    store.save([]);
    chmodSync(file, 0o644);
    expect(store.permissionsProblem()).toContain('mode 644');
  });

  it('puts the gallery in the state directory unless configured', () => {
    const device = { stateDir: '/var/lib/x' } as Parameters<typeof galleryPath>[0]['device'];
    const identity = { gallery: '' } as Parameters<typeof galleryPath>[0]['identity'];
    expect(galleryPath({ device, identity })).toBe('/var/lib/x/gallery.json');
    expect(galleryPath({ device, identity: { ...identity, gallery: '/g.json' } })).toBe('/g.json');
  });
});

describe('student ids', () => {
  it('must be topic-safe and not look like anonymous ids', () => {
    expect(studentIdProblem('maria_5-b')).toBeUndefined();
    expect(studentIdProblem('a/b')).toContain('letters, digits');
    expect(studentIdProblem('Maria Lopez')).toContain('letters, digits');
    expect(studentIdProblem('anon-3')).toContain('anon-');
    expect(studentIdProblem('x'.repeat(65))).toContain('1-64');
  });
});
