import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import { GalleryError } from '../../../src/identity/gallery-format.js';
import { GalleryStore } from '../../../src/identity/gallery-store.js';
import { IdentityRuntime } from '../../../src/identity/identity-runtime.js';
import type { ManifestModel } from '../../../src/pipeline/model-store.js';
import type { Observation } from '../../../src/pipeline/types.js';
import { axis, MODEL, student } from '../../unit/identity/fixtures.js';

// Only the manifest entry of the embedding model is read.
const models = {
  dir: '/models',
  precisionOf: () => 'int8' as const,
  info: () =>
    ({
      files: { int8: { path: 'x', sha256: MODEL.sha256, bytes: 1 } },
    }) as unknown as ManifestModel,
};

function setUp(keepSamples = false) {
  const stateDir = mkdtempSync(join(tmpdir(), 'runtime-'));
  const gallery = new GalleryStore({ file: join(stateDir, 'gallery.json'), model: MODEL });
  gallery.save([student('ana', axis(0)), student('ben', axis(10))]);
  const config = {
    device: { stateDir } as never,
    identity: {
      gallery: '',
      matchDistance: 0.3,
      votes: 2,
      pseudonymKeyFile: '',
      keepSamples,
      maxSamples: 10,
      maxSampleAgeDays: 30,
    },
  };
  return { gallery, runtime: new IdentityRuntime({ config, models }) };
}

const box = { x: 10, y: 20, w: 40, h: 40 };
/** The tracker's verdict: observation 0 went to confirmed track `trackId`. */
const to = (trackId: string) => ({ observed: [{ index: 0, trackId, confirmed: true }] });
const obs = (embedding: Float32Array, trackId?: string): Observation => ({
  box: { ...box },
  embedding,
  ...(trackId ? { trackId } : {}),
});

describe('IdentityRuntime', () => {
  it('counts a new face’s first embedding (by the tracker’s association) and asks for more while voting', () => {
    const { runtime } = setUp();
    runtime.observeFrame([obs(axis(0))], to('anon-1'));
    const hint = { id: 'anon-1', box, needsEmbedding: false, needsExpression: false };
    expect(runtime.adjustHints([hint])[0]?.needsEmbedding).toBe(true);
    runtime.observeFrame([obs(axis(0), 'anon-1')], to('anon-1'));
    expect(runtime.publishedId('anon-1')).toBe('ana');
    expect(runtime.adjustHints([hint])[0]?.needsEmbedding).toBe(false);
  });

  it('gives no identity to a tentative track', () => {
    const { runtime } = setUp();
    const tentative = { observed: [{ index: 0, trackId: 'pending-1', confirmed: false }] };
    for (let i = 0; i < 3; i++) runtime.observeFrame([obs(axis(0), 'pending-1')], tentative);
    expect(runtime.publishedId('pending-1')).toBe('pending-1');
    expect(runtime.trackCount).toBe(0);
  });

  it('reloads a rewritten gallery and reports tracks whose student was erased', () => {
    const { gallery, runtime } = setUp();
    for (let i = 0; i < 2; i++) runtime.observeFrame([obs(axis(0), 'anon-1')], to('anon-1'));
    expect(runtime.refresh()).toEqual([]);
    gallery.save([student('ben', axis(10))]);
    utimesSync(gallery.file, new Date(), new Date(Date.now() + 5000));
    expect(runtime.refresh()).toEqual([{ trackId: 'anon-1', publishedId: 'ana' }]);
    expect(runtime.publishedId('anon-1')).toBe('anon-1');
  });

  it('keeps the last good gallery when the new one is corrupt', () => {
    const { gallery, runtime } = setUp();
    writeFileSync(gallery.file, '{');
    expect(() => runtime.refresh()).toThrow(GalleryError);
    expect(runtime.refresh()).toEqual([]);
    for (let i = 0; i < 2; i++) runtime.observeFrame([obs(axis(10), 'anon-2')], to('anon-2'));
    expect(runtime.publishedId('anon-2')).toBe('ben');
  });

  it('keeps a face crop of a recognised student only when opted in', () => {
    const image = new cv.Mat(120, 160, cv.CV_8UC3, [90, 120, 150]);
    for (const keep of [false, true]) {
      const { runtime } = setUp(keep);
      for (let i = 0; i < 3; i++)
        runtime.observeFrame([obs(axis(0), 'anon-1')], to('anon-1'), image);
      const kept = runtime.samples.list('ana');
      // One per minute per student at most, so three frames keep one crop.
      expect(kept).toHaveLength(keep ? 1 : 0);
    }
  });
});
