// Load, memory, disk and uptime: all from `os` (no I/O) and one async statfs. Cheap enough to call
// at every health interval without touching the frame loop.
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import type { Logger } from '../log/logger.js';

export interface CpuLoad {
  load1: number;
  load5: number;
  load15: number;
  cores: number;
}

export interface MemoryUse {
  totalMb: number;
  /** What the kernel could give us without swapping (MemAvailable). */
  availableMb: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface DiskUse {
  path: string;
  totalMb: number;
  /** Free for an unprivileged writer (f_bavail): what the daemon's user can still use. */
  freeMb: number;
  freePct: number;
}

const MB = 1024 * 1024;
const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

export function cpuLoad(): CpuLoad {
  const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
  return {
    load1: round2(load1),
    load5: round2(load5),
    load15: round2(load15),
    cores: os.availableParallelism(),
  };
}

export function memoryUse(): MemoryUse {
  return {
    totalMb: Math.round(os.totalmem() / MB),
    availableMb: Math.round(os.freemem() / MB),
    rssMb: Math.round(process.memoryUsage.rss() / MB),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / MB),
  };
}

export async function diskUse(path: string, logger: Logger): Promise<DiskUse | undefined> {
  try {
    const fs = await statfs(path);
    const totalMb = (fs.blocks * fs.bsize) / MB;
    const freeMb = (fs.bavail * fs.bsize) / MB;
    return {
      path,
      totalMb: Math.round(totalMb),
      freeMb: Math.round(freeMb),
      freePct: totalMb > 0 ? round1((100 * freeMb) / totalMb) : 0,
    };
  } catch (error) {
    logger.debug({ err: error, path }, 'statfs failed');
    return undefined;
  }
}
