// sd_notify(3) for a Type=notify service. Node cannot send unix datagrams itself, so each message
// is handed to systemd-notify(1) (systemd ≥ 246 waits until the manager has read it — the
// "barrier" — so NotifyAccess=all attributes it to our unit even though a child sent it). Calls
// never block the frame loop: async execFile, at most one in flight, and whatever arrives meanwhile
// is merged into the next message (a later STATUS= replaces an earlier one; READY/STOPPING stay).
import { execFile } from 'node:child_process';
import type { Logger } from '../log/logger.js';

export interface SdNotifierOptions {
  logger: Logger;
  /** $NOTIFY_SOCKET; absent when not started by systemd, and then every call is a no-op. */
  socket: string | undefined;
  /** The systemd-notify binary. */
  command?: string;
  /** Kill a call that takes longer (the barrier itself gives up after 5 s). */
  timeoutMs?: number;
}

export class SdNotifier {
  private readonly logger: Logger;
  private readonly socket: string | undefined;
  private readonly command: string;
  private readonly timeoutMs: number;
  private pending = new Map<string, string>();
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private disabled = false;
  private sentCount = 0;

  constructor(options: SdNotifierOptions) {
    this.logger = options.logger;
    this.socket = options.socket || undefined;
    this.command = options.command ?? 'systemd-notify';
    this.timeoutMs = options.timeoutMs ?? 7000;
  }

  /** True when there is a socket to talk to and the helper has not been found missing. */
  get enabled(): boolean {
    return this.socket !== undefined && !this.disabled;
  }

  /** Messages that reached systemd-notify successfully. */
  get sent(): number {
    return this.sentCount;
  }

  ready(status?: string): void {
    this.notify({ READY: '1', ...(status ? { STATUS: status } : {}) });
  }

  watchdog(): void {
    this.notify({ WATCHDOG: '1' });
  }

  status(text: string): void {
    this.notify({ STATUS: text });
  }

  stopping(status?: string): void {
    this.notify({ STOPPING: '1', ...(status ? { STATUS: status } : {}) });
  }

  /** Queue fields for the next message (merged with any not yet sent). */
  notify(fields: Record<string, string>): void {
    if (!this.enabled) return;
    for (const [key, value] of Object.entries(fields)) {
      // One assignment per line in the datagram: a newline in a status would start a new one.
      this.pending.set(key, value.replace(/[\r\n]+/g, ' '));
    }
    if (!this.inFlight) this.inFlight = this.drain();
  }

  /** Resolves when everything queued so far has been handed over (used before exiting). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0 && this.enabled) {
        const fields = this.pending;
        this.pending = new Map();
        await this.send(fields);
      }
    } finally {
      this.inFlight = undefined;
    }
  }

  private send(fields: Map<string, string>): Promise<void> {
    const args = [...fields].map(([key, value]) => `${key}=${value}`);
    const env = { ...process.env, NOTIFY_SOCKET: this.socket };
    return new Promise((resolve) => {
      execFile(this.command, args, { env, timeout: this.timeoutMs }, (error, _stdout, stderr) => {
        if (!error) {
          this.sentCount++;
          if (this.failures > 0)
            this.logger.info({ failures: this.failures }, 'sd_notify works again');
          this.failures = 0;
        } else if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          // Without the helper there is no way to notify: a Type=notify unit will time out, so say
          // exactly what is missing once rather than on every ping.
          this.disabled = true;
          this.logger.error(
            { command: this.command },
            'systemd-notify not found: cannot notify systemd (install the systemd package)',
          );
        } else {
          this.failures++;
          // Transient (manager busy, socket gone during shutdown): report the first and every 100th.
          if (this.failures === 1 || this.failures % 100 === 0) {
            this.logger.warn(
              {
                failures: this.failures,
                fields: args,
                error: error.message,
                stderr: stderr.trim(),
              },
              'sd_notify failed',
            );
          }
        }
        resolve();
      });
    });
  }
}

/**
 * How often to ping: half of WatchdogSec (sd_watchdog_enabled(3) advice), or undefined when the
 * watchdog is off or meant for another process (WATCHDOG_PID).
 */
export function watchdogIntervalMs(
  env: NodeJS.ProcessEnv = process.env,
  pid = process.pid,
): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000 / 2));
}
