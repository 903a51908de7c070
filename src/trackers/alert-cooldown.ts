// One alert kind for one student: fires at most once per cool-down.

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
