// Times of past events (blinks, turns) for counting within a sliding window.

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
