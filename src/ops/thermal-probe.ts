// CPU temperature and Raspberry Pi throttling, read cheaply and never on the frame loop's time:
// temperatures are async sysfs reads; the throttle word comes from the firmware's sysfs file where
// the kernel has it, else from `vcgencmd get_throttled` (async execFile, short timeout), refreshed
// in the background and cached so the adaptation ladder can ask on every frame for free.
// (systeminformation's cpuTemperature() is not used: it runs a blocking exec.)
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';

/** Bits of the firmware's throttle word (raspberrypi.com documentation, vcgencmd). */
const THROTTLE_BITS = [
  { bit: 0, name: 'under-voltage' },
  { bit: 1, name: 'frequency-capped' },
  { bit: 2, name: 'throttled' },
  { bit: 3, name: 'soft-temperature-limit' },
] as const;
/** The same conditions, "has occurred since boot", are 16 bits higher. */
const OCCURRED_SHIFT = 16;

export interface ThrottleState {
  /** The word as the firmware gives it, e.g. "0x50005". */
  raw: string;
  /** Conditions active now. */
  now: string[];
  /** Conditions seen at any time since boot. */
  sinceBoot: string[];
}

export function parseThrottled(text: string): ThrottleState | undefined {
  // vcgencmd prints "throttled=0x50005"; the sysfs file holds bare hex ("50005").
  const match = /(?:throttled=)?(?:0x)?([0-9a-f]+)\s*$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const word = Number.parseInt(match[1], 16);
  if (!Number.isFinite(word)) return undefined;
  const names = (shift: number) =>
    THROTTLE_BITS.filter(({ bit }) => (word >>> (bit + shift)) & 1).map(({ name }) => name);
  return { raw: `0x${word.toString(16)}`, now: names(0), sinceBoot: names(OCCURRED_SHIFT) };
}

export interface ThermalProbeOptions {
  logger: Logger;
  /** Root of sysfs; tests point it at a fixture tree. */
  sysRoot?: string;
  /** The vcgencmd binary; absent or failing means "throttling unknown". */
  vcgencmd?: string;
  timeoutMs?: number;
  /** How often the background refresh reads the throttle word. */
  refreshMs?: number;
}

export class ThermalProbe {
  private readonly logger: Logger;
  private readonly sysRoot: string;
  private readonly vcgencmd: string;
  private readonly timeoutMs: number;
  private readonly refreshMs: number;
  private latest: ThrottleState | undefined;
  private pending: Promise<ThrottleState | undefined> | undefined;
  /** Once a source is known to be missing it is not tried again. */
  private sysfsMissing = false;
  private vcgencmdMissing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: ThermalProbeOptions) {
    this.logger = options.logger;
    this.sysRoot = options.sysRoot ?? '/sys';
    this.vcgencmd = options.vcgencmd ?? 'vcgencmd';
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.refreshMs = options.refreshMs ?? 10_000;
  }

  /** Keep the cached throttle state fresh in the background. */
  start(): void {
    if (this.timer) return;
    void this.refreshThrottle();
    this.timer = setInterval(() => void this.refreshThrottle(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last throttle reading; synchronous and free (for the per-frame adaptation check). */
  get throttle(): ThrottleState | undefined {
    return this.latest;
  }

  /** The CPU runs slower than it should right now. */
  throttledNow(): boolean {
    return (this.latest?.now.length ?? 0) > 0;
  }

  /** Hottest thermal zone in °C, or undefined where the kernel exposes none. */
  async temperatureC(): Promise<number | undefined> {
    const base = join(this.sysRoot, 'class/thermal');
    let zones: string[];
    try {
      zones = (await readdir(base)).filter((name) => name.startsWith('thermal_zone'));
    } catch (error) {
      this.logger.debug({ err: error, base }, 'no thermal zones');
      return undefined;
    }
    const readings = await Promise.all(
      zones.map(async (zone) => {
        try {
          const milli = Number((await readFile(join(base, zone, 'temp'), 'utf8')).trim());
          return Number.isFinite(milli) ? milli / 1000 : undefined;
        } catch (error) {
          // Some zones (disabled sensors) refuse reads with EINVAL/ENODATA: skip them.
          this.logger.debug({ err: error, zone }, 'thermal zone unreadable');
          return undefined;
        }
      }),
    );
    const valid = readings.filter((c): c is number => c !== undefined && c > -50 && c < 200);
    return valid.length > 0 ? Math.round(Math.max(...valid) * 10) / 10 : undefined;
  }

  /** Reads the throttle word now (at most one read in flight) and caches it. */
  refreshThrottle(): Promise<ThrottleState | undefined> {
    this.pending ??= this.readThrottle().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async readThrottle(): Promise<ThrottleState | undefined> {
    if (!this.sysfsMissing) {
      const file = join(this.sysRoot, 'devices/platform/soc/soc:firmware/get_throttled');
      try {
        this.latest = parseThrottled(await readFile(file, 'utf8'));
        return this.latest;
      } catch (error) {
        this.sysfsMissing = true;
        this.logger.debug({ err: error, file }, 'no firmware throttle file; trying vcgencmd');
      }
    }
    if (this.vcgencmdMissing) return undefined;
    const text = await this.runVcgencmd();
    this.latest = text === undefined ? undefined : parseThrottled(text);
    return this.latest;
  }

  private runVcgencmd(): Promise<string | undefined> {
    return new Promise((resolve) => {
      execFile(
        this.vcgencmd,
        ['get_throttled'],
        { timeout: this.timeoutMs },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            // Not a Pi (or no firmware tools): throttling is reported as unknown from now on.
            this.vcgencmdMissing = true;
            this.logger.info('vcgencmd not found: CPU throttling is not monitored');
          } else {
            this.logger.warn(
              { error: error.message, stderr: stderr.trim() },
              'vcgencmd get_throttled failed',
            );
          }
          resolve(undefined);
        },
      );
    });
  }
}
