// The shipped unit says what the spec asks of it (Type=notify, watchdog, pre-check, no restart on
// exit 78, hardening, dedicated user in group video) — read as key=value, not as a string blob.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/daemon/exit-codes.js';
import { parseUnit, UNIT_FILE, unitEnvironment } from '../../helpers/systemd-unit.js';

describe('systemd/classpulse.service', () => {
  const unit = parseUnit(readFileSync(UNIT_FILE, 'utf8'));
  const one = (key: string) => unit.get(key)?.at(-1);

  it('is a notify service with a watchdog, fed by systemd-notify children', () => {
    expect(one('Service.Type')).toBe('notify');
    expect(one('Service.NotifyAccess')).toBe('all');
    expect(Number.parseInt(one('Service.WatchdogSec') ?? '0', 10)).toBeGreaterThan(0);
  });

  it('checks the config first and never restarts on a config/model error', () => {
    expect(one('Service.ExecStartPre')).toMatch(
      /classpulse config check \/etc\/classpulse\/classpulse\.yaml$/,
    );
    expect(one('Service.ExecStart')).toMatch(
      /classpulse run --config \/etc\/classpulse\/classpulse\.yaml$/,
    );
    expect(one('Service.Restart')).toBe('on-failure');
    expect(one('Service.RestartPreventExitStatus')).toBe(String(ExitCode.config));
    // ExecStartPre failures are not covered by RestartPreventExitStatus: a start limit is.
    expect(one('Unit.StartLimitBurst')).toBeDefined();
  });

  it('sets the glibc malloc settings the memory figures were measured with', () => {
    const env = unit.get('Service.Environment') ?? [];
    expect(env).toContain('MALLOC_ARENA_MAX=2');
    expect(env).toContain('MALLOC_MMAP_THRESHOLD_=262144');
    // What the soak gives the daemon.
    expect(unitEnvironment()).toEqual({
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '262144',
    });
  });

  it('runs hardened as a dedicated user in group video with only its state writable', () => {
    expect(one('Service.User')).toBe('classpulse');
    expect(one('Service.SupplementaryGroups')).toContain('video');
    expect(one('Service.ProtectSystem')).toBe('strict');
    expect(one('Service.PrivateTmp')).toBe('yes');
    expect(one('Service.NoNewPrivileges')).toBe('yes');
    expect(one('Service.ReadWritePaths')).toBe('/var/lib/classpulse');
    expect(one('Service.StateDirectory')).toBe('classpulse');
    // These would put devices behind an allow-list and hide /dev/video*.
    expect(unit.has('Service.PrivateDevices')).toBe(false);
    expect(unit.has('Service.ProtectClock')).toBe(false);
    expect(unit.has('Service.DevicePolicy')).toBe(false);
  });
});
