// Opt-in kept samples (identity.keepSamples, off by default): face crops of recognised students,
// kept on the device only for later retraining, under <stateDir>/samples/<student-id>/. Bounded by
// count (identity.maxSamples, oldest go first) and age (identity.maxSampleAgeDays); erase removes a
// student's folder, or all of them. Files are 0600 in 0700 folders: readable by the daemon's user only.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { studentIdProblem } from './gallery-format.js';

const DAY_MS = 86_400_000;
const SAMPLE_PATTERN = /^(\d+)-(\d+)\.jpg$/;

export interface KeptSample {
  studentId: string;
  file: string;
  /** Wall-clock ms when it was kept (from the file name, so a copy keeps its age). */
  keptAtMs: number;
}

export interface SampleStoreOptions {
  identity: Pick<Config['identity'], 'keepSamples' | 'maxSamples' | 'maxSampleAgeDays'>;
  /** Usually <device.stateDir>/samples. */
  dir: string;
  /** Wall clock; tests pass their own. */
  nowMs?: () => number;
}

export class SampleStore {
  readonly dir: string;
  private readonly options: SampleStoreOptions['identity'];
  private readonly nowMs: () => number;
  private counter = 0;

  constructor(options: SampleStoreOptions) {
    this.dir = options.dir;
    this.options = options.identity;
    this.nowMs = options.nowMs ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.keepSamples;
  }

  /**
   * Keeps one encoded face crop (JPEG bytes) of a recognised student; does nothing unless opted
   * in. Returns the file written, or undefined.
   */
  keep(studentId: string, jpeg: Uint8Array): string | undefined {
    if (!this.options.keepSamples) return undefined;
    const problem = studentIdProblem(studentId);
    if (problem) throw new Error(problem);
    const folder = join(this.dir, studentId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    this.counter = (this.counter + 1) % 1_000_000;
    const file = join(folder, `${this.nowMs()}-${this.counter}.jpg`);
    writeFileSync(file, jpeg, { mode: 0o600 });
    this.prune();
    return file;
  }

  /** Deletes samples past the age limit, then the oldest beyond the count limit. */
  prune(): number {
    const cutoffMs = this.nowMs() - this.options.maxSampleAgeDays * DAY_MS;
    const all = this.list();
    let removed = 0;
    const fresh: KeptSample[] = [];
    for (const sample of all) {
      if (sample.keptAtMs < cutoffMs) {
        rmSync(sample.file, { force: true });
        removed += 1;
      } else {
        fresh.push(sample);
      }
    }
    fresh.sort((a, b) => a.keptAtMs - b.keptAtMs);
    for (const sample of fresh.slice(0, Math.max(0, fresh.length - this.options.maxSamples))) {
      rmSync(sample.file, { force: true });
      removed += 1;
    }
    return removed;
  }

  list(studentId?: string): KeptSample[] {
    if (!existsSync(this.dir)) return [];
    const ids = studentId === undefined ? readdirSync(this.dir) : [studentId];
    const out: KeptSample[] = [];
    for (const id of ids) {
      const folder = join(this.dir, id);
      if (!existsSync(folder) || !statSync(folder).isDirectory()) continue;
      for (const name of readdirSync(folder)) {
        const m = SAMPLE_PATTERN.exec(name);
        if (m) out.push({ studentId: id, file: join(folder, name), keptAtMs: Number(m[1]) });
      }
    }
    return out;
  }

  /** Every kept sample of one student (the whole folder, whatever is in it). */
  erase(studentId: string): number {
    const problem = studentIdProblem(studentId);
    if (problem) throw new Error(problem);
    const count = this.list(studentId).length;
    rmSync(join(this.dir, studentId), { recursive: true, force: true });
    return count;
  }

  eraseAll(): number {
    const count = this.list().length;
    rmSync(this.dir, { recursive: true, force: true });
    return count;
  }
}
