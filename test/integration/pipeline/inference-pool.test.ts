// The inference pool with the shipped models in real worker threads: the same numbers as
// in-process sessions, a worker that dies is replaced (its run fails with InferenceWorkerError and
// the daemon drops that one frame), and close() ends every worker — after each has opened its
// models, since ending one mid-open aborts the process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { type Logger, silentLogger } from '../../../src/log/logger.js';
import { InferencePool } from '../../../src/pipeline/inference/inference-pool.js';
import { InferenceWorkerError } from '../../../src/pipeline/inference/inference-worker-error.js';
import { isSessionsOpen } from '../../../src/pipeline/inference/protocol.js';
import { WorkerLane } from '../../../src/pipeline/inference/worker-lane.js';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import type { FrameProcessor } from '../../../src/pipeline/perception.js';
import { nullSink } from '../daemon/support.js';
import { MEDIA_DIR, ROOT } from './helpers.js';

const MODELS = ['facemesh', 'iris'];

function meshInput(seed: number): Float32Array {
  const data = new Float32Array(3 * 192 * 192);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919 + seed * 104729) % 256) / 255;
  return data;
}

describe('InferencePool', () => {
  let store: ModelStore;
  let pool: InferencePool;
  beforeAll(() => {
    store = new ModelStore({
      dir: join(ROOT, 'models'),
      precision: 'int8',
      floatModels: ['facemesh', 'iris'],
      threads: 1,
    });
    pool = new InferencePool({
      models: new Map(MODELS.map((name) => [name, store.verifiedBytes(name)])),
      size: 2,
      threads: 1,
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await pool.close();
    await store.close();
  });

  it('gives the in-process session’s outputs, for runs in flight at once', async () => {
    const local = await store.session('facemesh');
    const pooled = await pool.session('facemesh');
    expect(pooled.inputNames).toEqual(local.inputNames);
    expect(pooled.outputNames).toEqual(local.outputNames);
    const feeds = (seed: number) => ({
      [local.inputNames[0] ?? 'input']: new ort.Tensor(
        'float32',
        meshInput(seed),
        [1, 3, 192, 192],
      ),
    });
    const [a, b] = await Promise.all([pooled.run(feeds(1)), pooled.run(feeds(2))]);
    const expectedA = await local.run(feeds(1));
    const expectedB = await local.run(feeds(2));
    for (const name of local.outputNames) {
      expect(a[name]?.dims).toEqual(expectedA[name]?.dims);
      expect(Array.from(a[name]?.data as Float32Array)).toEqual(
        Array.from(expectedA[name]?.data as Float32Array),
      );
      expect(Array.from(b[name]?.data as Float32Array)).toEqual(
        Array.from(expectedB[name]?.data as Float32Array),
      );
    }
    await expect(pool.session('expression')).rejects.toThrow(/"expression" was not loaded/);
  });

  it('takes each input buffer back after its run and hands it out again', async () => {
    const pooled = await pool.session('facemesh');
    const length = 3 * 192 * 192;
    const first = pool.inputArray(length);
    first.set(meshInput(4));
    const sent = first.buffer;
    const expected = await (await store.session('facemesh')).run({
      [pooled.inputNames[0] ?? 'input']: new ort.Tensor('float32', meshInput(4), [1, 3, 192, 192]),
    });
    const out = await pooled.run({
      [pooled.inputNames[0] ?? 'input']: new ort.Tensor('float32', first, [1, 3, 192, 192]),
    });
    // Moved to the worker for the run, so detached here until it came back.
    expect(first.length).toBe(0);
    const again = pool.inputArray(length);
    expect(again.length).toBe(length);
    expect(again.buffer).not.toBe(sent);
    // The same memory as the first run's input: it still holds those values.
    expect(Array.from(again.subarray(0, 64))).toEqual(Array.from(meshInput(4).subarray(0, 64)));
    expect(Array.from(out.mesh?.data as Float32Array)).toEqual(
      Array.from(expected.mesh?.data as Float32Array),
    );
    // Another size is not served from those buffers.
    expect(pool.inputArray(16).length).toBe(16);
  });

  it('replaces a worker that dies; only the runs on it fail', async () => {
    const pooled = await pool.session('facemesh');
    const feeds = () => ({
      [pooled.inputNames[0] ?? 'input']: new ort.Tensor('float32', meshInput(3), [1, 3, 192, 192]),
    });
    const before = pool.stats();
    // Keep both workers busy, then kill them with runs on them and more queued behind.
    const runs = Promise.allSettled(Array.from({ length: 40 }, () => pooled.run(feeds())));
    // biome-ignore lint/complexity/useLiteralKeys: the test reaches the private lane to kill its workers
    await Promise.all(pool['faces'].pool.threads.map((w) => w.terminate()));
    const settled = await runs;
    const failed = settled.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const r of failed) expect(r.reason).toBeInstanceOf(InferenceWorkerError);
    // The queue was not lost with the workers: the rest ran on their replacements.
    expect(settled.length - failed.length).toBeGreaterThanOrEqual(1);
    const after = await pooled.run(feeds());
    expect(Object.keys(after)).toEqual(expect.arrayContaining([...pooled.outputNames]));
    const stats = pool.stats();
    expect(stats.failedRuns).toBe(before.failedRuns + failed.length);
    expect(stats.restarts).toBeGreaterThanOrEqual(1);
    expect(stats.workers).toBe(2);
  });
});

describe('InferencePool.close', () => {
  it('closed at once, still waits for every worker to open its models', async () => {
    const store = new ModelStore({
      dir: join(ROOT, 'models'),
      precision: 'int8',
      floatModels: ['facemesh', 'iris'],
      threads: 1,
    });
    const names = [...MODELS, 'ssd-mobilenetv1'];
    const fresh = new InferencePool({
      models: new Map(names.map((name) => [name, store.verifiedBytes(name)])),
      size: 2,
      detectorLane: 'ssd-mobilenetv1',
      threads: 1,
      logger: silentLogger(),
    });
    let opened = 0;
    // biome-ignore lint/complexity/useLiteralKeys: the test listens on the private lanes' pools
    for (const lane of [fresh['faces'], fresh['detector']]) {
      lane?.pool.on('message', (message: unknown) => {
        if (isSessionsOpen(message)) opened += 1;
      });
    }
    await fresh.close();
    await store.close();
    expect(opened).toBe(3);
    expect(fresh.stats().workers).toBe(0);
  });

  it('gives up on a worker that never opens after its cap, and says so', async () => {
    const warnings: string[] = [];
    const logger = silentLogger();
    const watched: Logger = Object.assign(Object.create(logger), {
      warn: (_fields: unknown, message: string) => warnings.push(message),
    });
    const lane = new WorkerLane({
      size: 1,
      models: [],
      threads: 1,
      filename: new URL('../../fixtures/pipeline/never-opens-worker.mjs', import.meta.url).href,
      logger: watched,
      openWaitMs: 300,
    });
    const started = Date.now();
    await lane.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(warnings).toEqual([expect.stringMatching(/still opening their models/)]);
  });
});

describe('Daemon with a failing inference worker', () => {
  it('drops and counts the frame, then goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classpulse-pool-'));
    const file = join(dir, 'classpulse.yaml');
    writeFileSync(file, '');
    const { config } = loadConfig({
      file,
      env: {
        CLASSPULSE_DEVICE_STATE_DIR: dir,
        CLASSPULSE_CAMERA_SOURCE: join(MEDIA_DIR, 'cap13_edit2.mp4'),
        CLASSPULSE_CAMERA_REALTIME: 'false',
      },
    });
    let calls = 0;
    const processor: FrameProcessor = {
      async process() {
        calls += 1;
        if (calls === 3) throw new InferenceWorkerError('facemesh', new Error('worker exited'));
        return { events: [], faces: 1, timingsMs: {} };
      },
      boxes: () => [],
      reset: () => undefined,
      resume: () => undefined,
      adapt: () => undefined,
    };
    const daemon = new Daemon({ config, logger: silentLogger(), sink: nullSink, processor });
    const stop = new AbortController();
    const watcher = setInterval(() => {
      if (calls >= 10) stop.abort(new Error('enough'));
    }, 5);
    try {
      await daemon.run(stop.signal);
    } finally {
      clearInterval(watcher);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(daemon.stats.workerDropped).toBe(1);
    expect(daemon.stats.processed).toBe(calls - 1);
  });
});
