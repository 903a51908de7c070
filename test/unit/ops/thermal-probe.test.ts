// Temperature and throttling from a fixture sysfs tree and a stand-in vcgencmd (the hardware).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log/logger.js';
import { parseThrottled, ThermalProbe } from '../../../src/ops/thermal-probe.js';

describe('parseThrottled', () => {
  it('decodes the firmware word (vcgencmd and sysfs forms)', () => {
    expect(parseThrottled('throttled=0x0\n')).toEqual({ raw: '0x0', now: [], sinceBoot: [] });
    // 0x50005: under-voltage and throttled now, and both have occurred since boot.
    expect(parseThrottled('throttled=0x50005')).toEqual({
      raw: '0x50005',
      now: ['under-voltage', 'throttled'],
      sinceBoot: ['under-voltage', 'throttled'],
    });
    expect(parseThrottled('80000\n')).toEqual({
      raw: '0x80000',
      now: [],
      sinceBoot: ['soft-temperature-limit'],
    });
    expect(parseThrottled('error=1 error_msg="Command not registered"')).toBeUndefined();
  });
});

describe('ThermalProbe', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'classpulse-sys-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const zone = (name: string, temp: string) => {
    mkdirSync(join(root, 'class/thermal', name), { recursive: true });
    writeFileSync(join(root, 'class/thermal', name, 'temp'), temp);
  };

  it('reports the hottest readable zone in °C', async () => {
    zone('thermal_zone0', '48312\n');
    zone('thermal_zone1', '61250\n');
    zone('thermal_zone2', 'garbage\n');
    mkdirSync(join(root, 'class/thermal/cooling_device0'), { recursive: true });
    const probe = new ThermalProbe({ logger: silentLogger(), sysRoot: root });
    expect(await probe.temperatureC()).toBe(61.3);
  });

  it('has no temperature where the kernel exposes no zone', async () => {
    const probe = new ThermalProbe({ logger: silentLogger(), sysRoot: root });
    expect(await probe.temperatureC()).toBeUndefined();
  });

  it('prefers the firmware sysfs file, and caches the reading for per-frame checks', async () => {
    const dir = join(root, 'devices/platform/soc/soc:firmware');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'get_throttled'), '4\n');
    const probe = new ThermalProbe({
      logger: silentLogger(),
      sysRoot: root,
      vcgencmd: '/nonexistent',
    });
    expect(probe.throttledNow()).toBe(false);
    await probe.refreshThrottle();
    expect(probe.throttledNow()).toBe(true);
    expect(probe.throttle?.now).toEqual(['throttled']);
  });

  it('falls back to vcgencmd, and to "unknown" when it is absent', async () => {
    const fake = join(root, 'vcgencmd');
    writeFileSync(fake, '#!/bin/sh\necho "throttled=0x20002"\n');
    chmodSync(fake, 0o755);
    const probe = new ThermalProbe({ logger: silentLogger(), sysRoot: root, vcgencmd: fake });
    expect((await probe.refreshThrottle())?.now).toEqual(['frequency-capped']);

    const none = new ThermalProbe({
      logger: silentLogger(),
      sysRoot: root,
      vcgencmd: join(root, 'none'),
    });
    expect(await none.refreshThrottle()).toBeUndefined();
    expect(none.throttledNow()).toBe(false);
  });

  it('gives up on a vcgencmd that hangs after its timeout', async () => {
    const fake = join(root, 'vcgencmd');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 10\n');
    chmodSync(fake, 0o755);
    const probe = new ThermalProbe({
      logger: silentLogger(),
      sysRoot: root,
      vcgencmd: fake,
      timeoutMs: 200,
    });
    const started = Date.now();
    expect(await probe.refreshThrottle()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
