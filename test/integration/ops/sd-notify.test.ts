// The real systemd-notify(1) talking to a fake NOTIFY_SOCKET: the messages a Type=notify unit needs
// arrive, and the watchdog pings stop while frames stall and resume when they progress again.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log/logger.js';
import { SdNotifier } from '../../../src/ops/sd-notifier.js';
import { Watchdog } from '../../../src/ops/watchdog.js';
import { FakeNotifySocket } from './fake-notify-socket.js';

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for notify messages');
    await sleep(20);
  }
}

describe('sd_notify over a fake NOTIFY_SOCKET', () => {
  let socket: FakeNotifySocket;
  beforeEach(async () => {
    socket = await FakeNotifySocket.start();
  });
  afterEach(() => socket.stop());

  it('delivers READY=1, STATUS=, WATCHDOG=1 and STOPPING=1', async () => {
    const notifier = new SdNotifier({ logger: silentLogger(), socket: socket.path });
    expect(notifier.enabled).toBe(true);
    notifier.ready('models loaded, first frame processed');
    await notifier.flush();
    notifier.watchdog();
    await notifier.flush();
    notifier.status('10.0 fps\nlevel 0');
    await notifier.flush();
    notifier.stopping('stopping: signal');
    await notifier.flush();
    await until(() => socket.assignments().some((a) => a === 'STOPPING=1'));
    expect(socket.assignments()).toEqual([
      'READY=1',
      'STATUS=models loaded, first frame processed',
      'WATCHDOG=1',
      // A newline would split the status into a second assignment.
      'STATUS=10.0 fps level 0',
      'STOPPING=1',
      'STATUS=stopping: signal',
    ]);
  });

  it('keeps at most one call in flight and merges what arrives meanwhile', async () => {
    const notifier = new SdNotifier({ logger: silentLogger(), socket: socket.path });
    notifier.status('first');
    for (let i = 0; i < 50; i++) notifier.watchdog();
    notifier.status('last');
    await notifier.flush();
    await until(() => socket.assignments().includes('STATUS=last'));
    // 52 requests, two datagrams: the first status, then everything else merged into one.
    expect(notifier.sent).toBe(2);
    expect(socket.assignments()).toEqual(['STATUS=first', 'WATCHDOG=1', 'STATUS=last']);
  });

  it('is a no-op without NOTIFY_SOCKET', async () => {
    const notifier = new SdNotifier({ logger: silentLogger(), socket: undefined });
    notifier.ready();
    await notifier.flush();
    expect(notifier.enabled).toBe(false);
    expect(notifier.sent).toBe(0);
  });

  it('stops WATCHDOG=1 while frames stall and resumes when they progress', async () => {
    const notifier = new SdNotifier({ logger: silentLogger(), socket: socket.path });
    let lastProgressMs = performance.now();
    let progressing = true;
    const frames = setInterval(() => {
      if (progressing) lastProgressMs = performance.now();
    }, 20);
    const watchdog = new Watchdog({
      target: notifier,
      intervalMs: 50,
      stallMs: 300,
      lastProgressMs: () => lastProgressMs,
      logger: silentLogger(),
    });
    try {
      watchdog.start();
      await sleep(600);
      await notifier.flush();
      const whileProgressing = socket.count('WATCHDOG=1');
      expect(whileProgressing).toBeGreaterThanOrEqual(5);

      progressing = false;
      // Pings may continue for up to stallMs after the last frame; then none at all.
      await sleep(300 + 100);
      await notifier.flush();
      await sleep(50);
      const atStall = socket.count('WATCHDOG=1');
      expect(watchdog.isStalled).toBe(true);
      await sleep(700);
      await notifier.flush();
      expect(socket.count('WATCHDOG=1')).toBe(atStall);

      progressing = true;
      await sleep(300);
      await notifier.flush();
      await until(() => socket.count('WATCHDOG=1') > atStall);
      expect(watchdog.isStalled).toBe(false);
    } finally {
      clearInterval(frames);
      watchdog.stop();
    }
  });
});
