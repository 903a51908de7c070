// The box itself: room on the state disk, and a clock that can be trusted (a Pi has no RTC and
// starts with a stale time until NTP answers; every event carries a wall-clock time).
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from './check-result.js';
import { errorText } from './check-result.js';

/** Below this much free space the disk queue cannot ride out a long broker outage. */
const DISK_FAIL_MB = 100;
const DISK_WARN_MB = 1024;

export async function checkDisk(stateDir: string): Promise<CheckResult> {
  const check = 'disk';
  try {
    await access(stateDir, constants.W_OK);
  } catch (error) {
    return {
      check,
      status: 'FAIL',
      detail: `device.stateDir ${stateDir} is missing or not writable by this user: ${errorText(error)}`,
    };
  }
  const fs = await statfs(stateDir);
  const freeMb = Math.round((fs.bavail * fs.bsize) / 1024 / 1024);
  const totalMb = Math.round((fs.blocks * fs.bsize) / 1024 / 1024);
  const detail = `${stateDir}: ${freeMb} MB free of ${totalMb} MB`;
  if (freeMb < DISK_FAIL_MB)
    return { check, status: 'FAIL', detail: `${detail} (need ${DISK_FAIL_MB} MB)` };
  if (freeMb < DISK_WARN_MB) return { check, status: 'warn', detail: `${detail} (low)` };
  return { check, status: 'ok', detail };
}

export interface ClockCheckOptions {
  /** A file written at install time: the clock must not be earlier than it. */
  installedMarker: string;
  timeoutMs: number;
  now?: () => number;
  /** The timedatectl binary (tests pass a stand-in). */
  timedatectl?: string;
}

export async function checkClock(options: ClockCheckOptions): Promise<CheckResult> {
  const check = 'clock';
  const nowMs = (options.now ?? Date.now)();
  const nowText = new Date(nowMs).toISOString();
  const installedMs = (await stat(options.installedMarker)).mtimeMs;
  if (nowMs < installedMs - 60_000) {
    return {
      check,
      status: 'FAIL',
      detail: `clock says ${nowText}, earlier than the install (${new Date(installedMs).toISOString()}): not set yet (no RTC, no NTP?)`,
    };
  }
  const ntp = await ntpSynchronised(options.timedatectl ?? 'timedatectl', options.timeoutMs);
  if (ntp === 'yes') return { check, status: 'ok', detail: `${nowText}, NTP synchronised` };
  if (ntp === 'no') {
    return {
      check,
      status: 'warn',
      detail: `${nowText}, not NTP-synchronised (event times may drift; check systemd-timesyncd)`,
    };
  }
  return { check, status: 'warn', detail: `${nowText}, NTP state unknown (${ntp})` };
}

function ntpSynchronised(command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      command,
      ['show', '--property=NTPSynchronized', '--value'],
      { timeout: timeoutMs },
      (error, stdout) => {
        // No systemd (a container) or no D-Bus: not an error of the box, just unknown.
        if (error)
          resolve(
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'no timedatectl'
              : 'timedatectl failed',
          );
        else resolve(stdout.trim());
      },
    );
  });
}

/** package.json of the installed copy: its time is the install (or checkout) time. */
export function installMarker(packageRoot: string): string {
  return join(packageRoot, 'package.json');
}
