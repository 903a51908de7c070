// Loss and duplicate check by seq, per device, for any subscriber (the broker-side one, the hub's
// SSE stream): every QoS1 message of a box carries the box's next seq, so a seq never seen between
// the box's first and last is a lost message, and one seen twice a duplicate. `expectLast` adds the
// tail: seqs the box published after the last one that arrived.
export interface SeqReport {
  devices: number;
  received: number;
  /** Seqs missing from 1 (or the first seen) up to the last published. */
  missing: number;
  duplicates: number;
  /** Up to 10 examples "device#seq" of missing messages. */
  examples: string[];
}

class DeviceSeqs {
  readonly seen = new Set<number>();
  duplicates = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  add(seq: number): void {
    if (this.seen.has(seq)) this.duplicates += 1;
    else this.seen.add(seq);
    if (seq < this.min) this.min = seq;
    if (seq > this.max) this.max = seq;
  }
}

export class SeqTracker {
  private readonly devices = new Map<string, DeviceSeqs>();
  received = 0;

  /** Records one message; ignores payloads without a numeric seq (health, the will). */
  add(device: string, seq: unknown): void {
    if (typeof seq !== 'number' || !Number.isInteger(seq)) return;
    let entry = this.devices.get(device);
    if (!entry) {
      entry = new DeviceSeqs();
      this.devices.set(device, entry);
    }
    entry.add(seq);
    this.received += 1;
  }

  /** True once every device's highest seq seen reached the last it published. */
  caughtUp(expectLast: ReadonlyMap<string, number>): boolean {
    for (const [device, last] of expectLast)
      if ((this.devices.get(device)?.max ?? 0) < last) return false;
    return true;
  }

  /**
   * `expectLast`: device → last seq it published; `fromOne`: every device started at seq 1 while
   * this subscriber listened (otherwise the first seq seen is the start).
   */
  report(expectLast: ReadonlyMap<string, number> = new Map(), fromOne = true): SeqReport {
    let missing = 0;
    let duplicates = 0;
    const examples: string[] = [];
    const names = new Set([...this.devices.keys(), ...expectLast.keys()]);
    for (const device of names) {
      const entry = this.devices.get(device) ?? new DeviceSeqs();
      duplicates += entry.duplicates;
      const first = fromOne ? 1 : Math.min(entry.min, expectLast.get(device) ?? entry.min);
      const last = Math.max(entry.max, expectLast.get(device) ?? 0);
      for (let seq = first; seq <= last; seq++) {
        if (entry.seen.has(seq)) continue;
        missing += 1;
        if (examples.length < 10) examples.push(`${device}#${seq}`);
      }
    }
    return { devices: names.size, received: this.received, missing, duplicates, examples };
  }
}
