// Samples a process's memory and open handles from /proc, and judges growth after warm-up: the
// median of the last quarter of samples against the median of the first quarter (medians, so a
// single GC swing or a transient socket does not decide).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  /** Seconds since the process was started. */
  tS: number;
  rssMb: number;
  /** VmHWM: the peak resident set so far. */
  peakRssMb: number;
  openFds: number;
}

export function sampleProcess(pid: number, tS: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return {
    tS,
    rssMb: kb('VmRSS') / 1024,
    peakRssMb: kb('VmHWM') / 1024,
    openFds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

export interface Growth {
  baseline: number;
  final: number;
  /** final ÷ baseline − 1 (0.05 = 5 % growth). */
  growth: number;
}

export interface SoakVerdict {
  samples: number;
  rssMb: Growth;
  openFds: Growth;
  peakRssMb: number;
  passed: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function growthOf(values: number[]): Growth {
  const quarter = Math.max(1, Math.floor(values.length / 4));
  const baseline = median(values.slice(0, quarter));
  const final = median(values.slice(-quarter));
  return { baseline, final, growth: final / baseline - 1 };
}

/** Judges the samples taken after warm-up; needs at least 4 of them. */
export function judge(afterWarmUp: readonly ProcessSample[], maxGrowth: number): SoakVerdict {
  if (afterWarmUp.length < 4) {
    throw new Error(
      `soak: ${afterWarmUp.length} samples after warm-up, need at least 4 (run longer)`,
    );
  }
  const rssMb = growthOf(afterWarmUp.map((s) => s.rssMb));
  const openFds = growthOf(afterWarmUp.map((s) => s.openFds));
  return {
    samples: afterWarmUp.length,
    rssMb,
    openFds,
    peakRssMb: Math.max(...afterWarmUp.map((s) => s.peakRssMb)),
    passed: rssMb.growth <= maxGrowth && openFds.growth <= maxGrowth,
  };
}
