// The assembled ops runtime as systemd would run it: NOTIFY_SOCKET and WATCHDOG_USEC in the
// environment, the real systemd-notify, a fake manager socket, frames driven by the test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/log/logger.js';
import { FrameStats } from '../../../src/ops/frame-stats.js';
import type { Health } from '../../../src/ops/health-types.js';
import { buildFrameControl, OpsRuntime } from '../../../src/ops/ops-runtime.js';
import { FakeNotifySocket } from './fake-notify-socket.js';

describe('OpsRuntime under a (fake) systemd', () => {
  let socket: FakeNotifySocket;
  let dir: string;
  beforeEach(async () => {
    socket = await FakeNotifySocket.start();
    dir = mkdtempSync(join(tmpdir(), 'classpulse-ops-'));
  });
  afterEach(() => {
    socket.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready after the first frame, feeds the watchdog only while frames flow, says STOPPING', async () => {
    // An empty file: defaults plus the environment below, never a developer's /etc config.
    const file = join(dir, 'classpulse.yaml');
    writeFileSync(file, '');
    const { config } = loadConfig({
      file,
      env: {
        CLASSPULSE_DEVICE_STATE_DIR: dir,
        CLASSPULSE_HEALTH_INTERVAL_S: '1',
        CLASSPULSE_HEALTH_WATCHDOG_STALL_MS: '1000',
        CLASSPULSE_MODELS_DIR: join(dir, 'no-models'),
      },
    });
    const stats = new FrameStats();
    const published: Health[] = [];
    const control = buildFrameControl({
      config,
      logger: silentLogger(),
      sysRoot: dir,
      vcgencmd: join(dir, 'no-vcgencmd'),
    });
    const ops = new OpsRuntime({
      config,
      logger: silentLogger(),
      // WatchdogSec=0.4 s: pings every 200 ms.
      env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '400000' },
      ...control,
      firstFrame: stats.firstFrame,
      sources: {
        frames: () => stats,
        capture: () => ({
          state: 'open',
          delivered: stats.processed,
          skippedBudget: 0,
          droppedStale: 0,
          reopens: 0,
          width: 640,
          height: 480,
        }),
      },
      lastProgressMs: () => stats.lastProgressMs,
      expectingFrames: () => true,
      publishHealth: (h) => published.push(h),
    });
    await ops.start();
    await sleep(300);
    await ops.notifier.flush();
    expect(socket.count('READY=1')).toBe(0);
    expect(socket.count('WATCHDOG=1')).toBe(0);

    const frame = () => {
      stats.record({ total: 30 }, 2);
      control.adaptation.observe(30);
    };
    const flowing = setInterval(frame, 50);
    await sleep(1200);
    clearInterval(flowing);
    await ops.notifier.flush();
    expect(socket.count('READY=1')).toBe(1);
    const fed = socket.count('WATCHDOG=1');
    expect(fed).toBeGreaterThanOrEqual(3);
    // Health went out with a status line for `systemctl status`.
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(published[0]?.adaptation?.level).toBe(0);
    expect(published[0]?.frames.processedFps).toBeGreaterThan(0);
    expect(
      socket.assignments().some((a) => /^STATUS=camera open, [\d.]+ fps, 2 faces/.test(a)),
    ).toBe(true);

    // Frames stall: after watchdogStallMs (1 s) no more pings.
    await sleep(1300);
    await ops.notifier.flush();
    const atStall = socket.count('WATCHDOG=1');
    await sleep(800);
    await ops.notifier.flush();
    expect(socket.count('WATCHDOG=1')).toBe(atStall);

    // On SIGTERM first, then again from the clean-up path: systemd hears it once.
    ops.stopping('signal');
    await ops.stop('end of input');
    expect(socket.assignments().slice(-2)).toEqual(['STOPPING=1', 'STATUS=stopping: signal']);
    expect(socket.count('STOPPING=1')).toBe(1);
  });
});
