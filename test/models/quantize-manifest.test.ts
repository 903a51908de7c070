// The manifest writer on a real (small) model file: what ModelStore later checks and what the
// pipeline reads about inputs must come out of the files and their metadata.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/pipeline/model-store.js';
import { manifestEntry, readManifest, writeManifest } from '../../tools/models/manifest.js';
import { encodeModel } from '../../tools/models/onnx/proto.js';
import { buildTinyNet } from '../../tools/models/quantize/tiny-net.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'classpulse-manifest-'));
  mkdirSync(join(dir, 'fp32'));
  mkdirSync(join(dir, 'int8'));
  const model = buildTinyNet();
  model.metadataProps = [
    { key: 'normalisation', value: 'input = rgb * 0.00392156862745098 + 0 (NCHW)' },
    { key: 'outputs', value: 'scores [1,4]: class logits' },
  ];
  writeFileSync(join(dir, 'fp32', 'expression.onnx'), encodeModel(model));
  writeFileSync(join(dir, 'int8', 'expression.onnx'), encodeModel(buildTinyNet()));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const source = { name: 'expression', source: 'pkg@1.0.0:model/x.json', licence: 'MIT' };

describe('manifest', () => {
  it('records files with sha256 and size, input and outputs from the model', () => {
    const entry = manifestEntry(dir, source, { method: 'minmax' });
    const bytes = readFileSync(join(dir, 'int8', 'expression.onnx'));
    expect(entry.files.int8).toEqual({
      path: 'int8/expression.onnx',
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(entry.role).toBe('expression');
    expect(entry.input).toMatchObject({ name: 'image', shape: [1, 3, 32, 32], layout: 'NCHW' });
    expect(entry.input.normalisation).toContain('0.00392156862745098');
    expect(entry.outputs).toEqual([
      { name: 'scores', shape: [1, 4], meaning: 'scores [1,4]: class logits' },
    ]);
    expect(entry.quantisation).toEqual({ method: 'minmax' });
  });

  it('has no int8 file for a model without quantisation', () => {
    expect(manifestEntry(dir, source, undefined).files.int8).toBeUndefined();
  });

  it('refuses a model whose role it does not know', () => {
    expect(() => manifestEntry(dir, { ...source, name: 'mystery' }, undefined)).toThrow(/mystery/);
  });

  it('is what ModelStore verifies and loads', async () => {
    writeManifest(dir, [manifestEntry(dir, source, { method: 'minmax' })]);
    expect(readManifest(dir)?.models.expression?.name).toBe('expression');
    const store = new ModelStore({ dir, precision: 'int8', threads: 1 });
    const session = await store.session('expression');
    expect(session.inputNames).toEqual(['image']);
    await store.close();
  });
});
