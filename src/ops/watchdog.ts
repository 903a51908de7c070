// Feeds the systemd watchdog only while frames really progress. A timer alone would prove only
// that the event loop runs; a frame loop stuck in a camera read or a hung inference would keep it
// alive forever. When progress stops for longer than health.watchdogStallMs the pings stop and
// systemd restarts the service once WatchdogSec= passes.
import type { Logger } from '../log/logger.js';

interface WatchdogTarget {
  watchdog(): void;
}

export interface WatchdogOptions {
  target: WatchdogTarget;
  /** Ping period: half of WatchdogSec (see watchdogIntervalMs). */
  intervalMs: number;
  /** health.watchdogStallMs: the longest gap between processed frames that still counts as alive. */
  stallMs: number;
  /** performance.now() of the last processed frame (FrameStats.lastProgressMs). */
  lastProgressMs: () => number;
  /**
   * False while no frames are expected (capture stopped by an operator command, camera lost and
   * being reopened with backoff): then the loop being alive is enough. Default: always expected.
   */
  expectingFrames?: () => boolean;
  logger: Logger;
  /** Monotonic clock in ms, the same one as lastProgressMs. */
  now?: () => number;
}

export class Watchdog {
  private readonly options: WatchdogOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Progress is measured from here at the earliest: start, or when frames became expected again. */
  private sinceMs: number;
  private wasExpecting = true;
  private stalled = false;
  private pings = 0;

  constructor(options: WatchdogOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.sinceMs = this.now();
  }

  get fed(): number {
    return this.pings;
  }

  get isStalled(): boolean {
    return this.stalled;
  }

  start(): void {
    if (this.timer) return;
    this.sinceMs = this.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One decision: ping when frames progressed recently (public so tests can drive it). */
  tick(): boolean {
    const { options } = this;
    const now = this.now();
    const expecting = options.expectingFrames?.() ?? true;
    if (expecting && !this.wasExpecting) this.sinceMs = now;
    this.wasExpecting = expecting;
    const idleMs = now - Math.max(options.lastProgressMs(), this.sinceMs);
    const alive = !expecting || idleMs <= options.stallMs;
    if (!alive && !this.stalled) {
      options.logger.error(
        { idleMs: Math.round(idleMs), stallMs: options.stallMs },
        'frames stalled: no longer feeding the systemd watchdog',
      );
    } else if (alive && this.stalled) {
      options.logger.warn('frames progress again: feeding the systemd watchdog');
    }
    this.stalled = !alive;
    if (alive) {
      this.pings++;
      options.target.watchdog();
    }
    return alive;
  }
}
