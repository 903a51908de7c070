import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ManifestModel,
  ModelFileError,
  type ModelManifest,
  ModelStore,
} from '../../src/pipeline/model-store.js';
import { encodeModel } from '../../tools/models/onnx/proto.js';
import { buildTinyNet, TINY_NET_SIZE } from '../../tools/models/quantize/tiny-net.js';

let dir: string;

function fileEntry(path: string, bytes: Uint8Array) {
  return {
    path,
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'classpulse-store-'));
  mkdirSync(join(dir, 'int8'));
  mkdirSync(join(dir, 'fp32'));
  const bytes = encodeModel(buildTinyNet());
  writeFileSync(join(dir, 'int8', 'tiny.onnx'), bytes);
  writeFileSync(join(dir, 'fp32', 'tiny.onnx'), bytes);
  const entry: ManifestModel = {
    name: 'tiny',
    role: 'expression',
    source: 'test',
    licence: 'MIT',
    files: { int8: fileEntry('int8/tiny.onnx', bytes), fp32: fileEntry('fp32/tiny.onnx', bytes) },
    input: { name: 'image', shape: [1, 3, 32, 32], layout: 'NCHW', normalisation: '0..1' },
    outputs: [{ name: 'scores', shape: [1, 4] }],
  };
  const manifest: ModelManifest = { version: 1, models: { tiny: entry } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function store() {
  return new ModelStore({ dir, precision: 'int8', threads: 1 });
}

async function expectProblem(promise: Promise<unknown>, problem: string, fileName: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as ModelFileError).problem).toBe(problem);
  expect((error as Error).message).toContain(fileName);
  expect((error as Error).message).toContain('npm run models');
}

describe('ModelStore', () => {
  it('opens a verified model once and runs it', async () => {
    const models = store();
    const session = await models.session('tiny');
    expect(await models.session('tiny')).toBe(session);
    const size = TINY_NET_SIZE;
    const image = new ort.Tensor('float32', new Float32Array(3 * size * size).fill(0.5), [
      1,
      3,
      size,
      size,
    ]);
    const result = await session.run({ image });
    expect(result.scores?.dims).toEqual([1, 4]);
    expect(models.info('tiny').input.shape).toEqual([1, 3, 32, 32]);
    await models.close();
  });

  it('refuses a missing file, naming it', async () => {
    unlinkSync(join(dir, 'int8', 'tiny.onnx'));
    await expectProblem(store().session('tiny'), 'missing', join('int8', 'tiny.onnx'));
  });

  it('refuses a truncated file, naming it', async () => {
    truncateSync(join(dir, 'int8', 'tiny.onnx'), 100);
    await expectProblem(store().session('tiny'), 'truncated', join('int8', 'tiny.onnx'));
  });

  it('refuses a tampered file of the right size, naming it', async () => {
    const path = join(dir, 'int8', 'tiny.onnx');
    const bytes = encodeModel(buildTinyNet());
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    await expectProblem(store().session('tiny'), 'tampered', join('int8', 'tiny.onnx'));
  });

  it('names the manifest for an unknown model or a missing manifest', async () => {
    await expectProblem(store().session('nope'), 'unknown-model', 'manifest.json');
    unlinkSync(join(dir, 'manifest.json'));
    await expectProblem(store().session('tiny'), 'missing', 'manifest.json');
  });

  it('a failed open is retried after the file is rebuilt', async () => {
    const path = join(dir, 'fp32', 'tiny.onnx');
    unlinkSync(path);
    const models = new ModelStore({ dir, precision: 'fp32', threads: 1 });
    await expectProblem(models.session('tiny'), 'missing', join('fp32', 'tiny.onnx'));
    writeFileSync(path, encodeModel(buildTinyNet()));
    await expect(models.session('tiny')).resolves.toBeDefined();
    await models.close();
  });
});
