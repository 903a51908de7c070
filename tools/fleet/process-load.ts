// CPU % and RSS of processes by pid from /proc (the hub's, given with --hub-pid), and of this
// process itself: CPU as the share of one core over the sampling interval.
import { readFileSync } from 'node:fs';
import { sampleProcess } from '../soak/process-sampler.js';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_S = 100;

export interface LoadSummary {
  pid: number;
  cpuPctMean: number;
  cpuPctMax: number;
  rssMbMax: number;
  rssMbLast: number;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

export class ProcessLoad {
  private readonly pid: number;
  private lastTicks: number;
  private lastMs: number;
  private readonly startTicks: number;
  private readonly startMs: number;
  private maxPct = 0;
  private rssMax = 0;
  private rssLast = 0;

  constructor(pid: number) {
    this.pid = pid;
    this.lastTicks = this.startTicks = cpuTicks(pid);
    this.lastMs = this.startMs = performance.now();
  }

  sample(): void {
    const ticks = cpuTicks(this.pid);
    const now = performance.now();
    const pct = ((ticks - this.lastTicks) / TICKS_PER_S / ((now - this.lastMs) / 1000)) * 100;
    if (now > this.lastMs) this.maxPct = Math.max(this.maxPct, pct);
    this.lastTicks = ticks;
    this.lastMs = now;
    this.rssLast = sampleProcess(this.pid, 0).rssMb;
    this.rssMax = Math.max(this.rssMax, this.rssLast);
  }

  summary(): LoadSummary {
    const seconds = (this.lastMs - this.startMs) / 1000;
    const mean =
      seconds > 0 ? ((this.lastTicks - this.startTicks) / TICKS_PER_S / seconds) * 100 : 0;
    const r1 = (v: number) => Math.round(v * 10) / 10;
    return {
      pid: this.pid,
      cpuPctMean: r1(mean),
      cpuPctMax: r1(this.maxPct),
      rssMbMax: r1(this.rssMax),
      rssMbLast: r1(this.rssLast),
    };
  }
}
