// OpsRuntime wired to the real Daemon loop on the real demo clip (OpenCV decode, frame budget),
// the way run-command wires it, with a simulated pipeline whose expression stage is too slow for
// the frame budget until the ladder runs it less often. A fake NOTIFY_SOCKET stands in for systemd.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { Health } from '../../../src/ops/health-types.js';
import { buildFrameControl, OpsRuntime } from '../../../src/ops/ops-runtime.js';
import type { FrameProcessor, PerceptionKnobs } from '../../../src/pipeline/perception.js';
import { DEMO_CLIP, nullSink } from '../daemon/support.js';
import { FakeNotifySocket } from './fake-notify-socket.js';

describe('OpsRuntime on the daemon loop', () => {
  let socket: FakeNotifySocket;
  let dir: string;
  beforeAll(async () => {
    socket = await FakeNotifySocket.start();
    dir = mkdtempSync(join(tmpdir(), 'classpulse-wiring-'));
  });
  afterAll(() => {
    socket.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets ready on the first frame and degrades expressions first under a slow stage', async () => {
    const file = join(dir, 'classpulse.yaml');
    writeFileSync(file, '');
    const { config } = loadConfig({
      file,
      env: {
        CLASSPULSE_CAMERA_SOURCE: DEMO_CLIP,
        // Pulled as fast as the loop goes, at the 25 fps budget: 40 ms per frame.
        CLASSPULSE_CAMERA_REALTIME: 'false',
        CLASSPULSE_CAMERA_FPS: '25',
        CLASSPULSE_DEVICE_STATE_DIR: dir,
        CLASSPULSE_HEALTH_INTERVAL_S: '1',
        CLASSPULSE_MODELS_DIR: join(dir, 'no-models'),
      },
    });
    const control = buildFrameControl({
      config,
      logger: silentLogger(),
      sysRoot: dir,
      vcgencmd: join(dir, 'no-vcgencmd'),
    });
    const { adaptation } = control;
    const levels: number[] = [];
    // The knobs the daemon hands the processor after each frame (the processor's adapt()).
    let knobs: PerceptionKnobs = { expressionIntervalScale: 1, detectionIntervalScale: 1 };
    let modelledMs = 0;
    // Simulated stages: 10 ms of landmarks plus 48 ms of expressions at full rate (58 ms > 40 ms);
    // at half the expression rate 34 ms fits the budget, but not the 60 % headroom to go back.
    const processor: FrameProcessor = {
      async process() {
        const expressionMs = 48 / knobs.expressionIntervalScale;
        modelledMs = 10 + expressionMs;
        await sleep(modelledMs);
        return { events: [], faces: 3, timingsMs: { landmarks: 10, expression: expressionMs } };
      },
      boxes: () => [],
      reset: () => undefined,
      resume: () => undefined,
      adapt: (next) => {
        knobs = next;
      },
    };
    // The loop really waits this long; the ladder is fed the modelled cost rather than the
    // measured wall time so that a busy CI machine cannot change the outcome.
    const gate = {
      admit: (tMs: number, offeredIntervalMs: number) => adaptation.admit(tMs, offeredIntervalMs),
      observe: (_measuredMs: number, offeredIntervalMs: number) => {
        const state = adaptation.observe(modelledMs, offeredIntervalMs);
        levels.push(state.level);
        return state;
      },
    };
    const daemon = new Daemon({
      config,
      logger: silentLogger(),
      sink: nullSink,
      processor,
      gate,
    });
    const published: Health[] = [];
    const ops = new OpsRuntime({
      config,
      logger: silentLogger(),
      env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '1000000' },
      ...control,
      firstFrame: daemon.stats.firstFrame,
      sources: { frames: () => daemon.stats, capture: () => daemon.captureStats() },
      lastProgressMs: () => daemon.stats.lastProgressMs,
      expectingFrames: () => daemon.capturing && daemon.captureStats().state !== 'lost',
      publishHealth: (h) => published.push(h),
    });
    await ops.start();
    const stop = new AbortController();
    const watcher = setInterval(() => {
      if (daemon.stats.processed >= 130) stop.abort(new Error('enough frames'));
    }, 20);
    try {
      await daemon.run(stop.signal);
    } finally {
      clearInterval(watcher);
      await ops.stop('test over');
    }

    expect(socket.count('READY=1')).toBe(1);
    expect(socket.assignments().indexOf('READY=1')).toBeLessThan(
      socket.assignments().indexOf('WATCHDOG=1'),
    );
    expect(socket.count('WATCHDOG=1')).toBeGreaterThanOrEqual(2);
    expect(socket.assignments().at(-2)).toBe('STOPPING=1');

    // Degraded once, to the expression step, and stayed there.
    expect(levels[0]).toBe(0);
    // One full 20-frame window of misses decides, not a single slow frame.
    expect(levels.indexOf(1)).toBeGreaterThanOrEqual(19);
    expect(levels.indexOf(1)).toBeLessThanOrEqual(25);
    expect(Math.max(...levels)).toBe(1);
    expect(levels.at(-1)).toBe(1);
    expect(ops.adaptation.state()).toMatchObject({
      name: 'expression-x2',
      reason: 'budget-missed',
    });

    const last = published.at(-1);
    expect(last?.frames.camera).toBe('open');
    expect(last?.frames.processedFps).toBeGreaterThan(0);
    expect(last?.frames.width).toBe(400);
    expect(last?.tracks).toBe(3);
  });
});
