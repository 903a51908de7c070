// Time bookkeeping per student: events counted in a sliding window, and alert cool-downs.

export class TimedEvents {
  private readonly times: number[] = [];
  private total = 0;

  constructor(private readonly windowMs: number) {}

  add(tMs: number): void {
    this.times.push(tMs);
    this.total += 1;
  }

  /** Events since birth or the last reset. */
  get count(): number {
    return this.total;
  }

  /** Events in (tMs - window, tMs]. Old entries are dropped, so `tMs` must not go backwards. */
  inWindow(tMs: number): number {
    const from = tMs - this.windowMs;
    while (this.times.length > 0 && (this.times[0] ?? 0) <= from) this.times.shift();
    return this.times.filter((t) => t <= tMs).length;
  }

  reset(): void {
    this.times.length = 0;
    this.total = 0;
  }
}

/** One alert kind for one student: fires at most once per cool-down. */
export class AlertCooldown {
  private lastFiredMs: number | undefined;

  constructor(private readonly cooldownMs: number) {}

  /** True (and remembers the time) when the previous alert is at least a cool-down old. */
  tryFire(tMs: number): boolean {
    if (this.lastFiredMs !== undefined && tMs - this.lastFiredMs < this.cooldownMs) return false;
    this.lastFiredMs = tMs;
    return true;
  }

  reset(): void {
    this.lastFiredMs = undefined;
  }
}
