// Watchdog decisions on a simulated clock: pings only while frames progress, except while no
// frames are expected (capture stopped or the camera being reopened).
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log/logger.js';
import { watchdogIntervalMs } from '../../../src/ops/sd-notifier.js';
import { Watchdog } from '../../../src/ops/watchdog.js';

function rig(options: { expecting?: () => boolean } = {}) {
  const clock = { nowMs: 1000, progressMs: 0 };
  let pings = 0;
  const watchdog = new Watchdog({
    target: { watchdog: () => pings++ },
    intervalMs: 1000,
    stallMs: 5000,
    lastProgressMs: () => clock.progressMs,
    logger: silentLogger(),
    now: () => clock.nowMs,
    ...(options.expecting ? { expectingFrames: options.expecting } : {}),
  });
  return { clock, watchdog, pings: () => pings };
}

describe('Watchdog', () => {
  it('counts a stall from start-up, not from time zero, before the first frame', () => {
    const { clock, watchdog } = rig();
    clock.nowMs = 100_000;
    watchdog.start();
    watchdog.stop();
    clock.nowMs += 4000;
    expect(watchdog.tick()).toBe(true);
    clock.nowMs += 2000;
    expect(watchdog.tick()).toBe(false);
  });

  it('pings while frames progress and stops once they stall for stallMs', () => {
    const { clock, watchdog, pings } = rig();
    for (let i = 0; i < 10; i++) {
      clock.nowMs += 1000;
      clock.progressMs = clock.nowMs - 100;
      watchdog.tick();
    }
    expect(pings()).toBe(10);
    const ticks = [];
    for (let i = 0; i < 10; i++) {
      clock.nowMs += 1000;
      ticks.push(watchdog.tick());
    }
    // The last frame was 100 ms before the stall began: alive for 4 more ticks, then silent.
    expect(ticks).toEqual([true, true, true, true, false, false, false, false, false, false]);
    expect(watchdog.isStalled).toBe(true);
    clock.progressMs = clock.nowMs;
    expect(watchdog.tick()).toBe(true);
  });

  it('keeps pinging while no frames are expected, and restarts the stall clock after', () => {
    let expecting = true;
    const { clock, watchdog } = rig({ expecting: () => expecting });
    watchdog.tick();
    expecting = false;
    clock.nowMs += 60_000;
    expect(watchdog.tick()).toBe(true);
    expecting = true;
    expect(watchdog.tick()).toBe(true);
    clock.nowMs += 4000;
    expect(watchdog.tick()).toBe(true);
    clock.nowMs += 2000;
    expect(watchdog.tick()).toBe(false);
  });
});

describe('watchdogIntervalMs', () => {
  it('is half of WatchdogSec, for this process only', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '42' }, 42)).toBe(15_000);
    expect(
      watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 42),
    ).toBeUndefined();
    expect(watchdogIntervalMs({}, 42)).toBeUndefined();
  });
});
