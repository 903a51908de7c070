// `bench --json --quick` end to end on the real models, frames and tfjs references: the last
// stdout line is one JSON object of the documented shape, every ratio a finite number. Targets are
// not asserted: the machine is shared, and docs/performance.md reports them from full runs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../../src/bench/report.js';
import { cleanEnv, collect, ROOT } from '../../helpers/cli.js';

const RATIO_KEYS: Array<keyof BenchReport['ratios']> = [
  'int8VsFp32',
  'int8NoFloatVsFp32',
  'vsTfjsReference',
  'vsFaceApi',
  'reuseVsNaive10Faces',
  'overheadVsModelTime',
];

describe('classpulse bench --json --quick', () => {
  it('prints one JSON report as its last stdout line, with finite ratios and tables', async () => {
    // tools/bench/run-bench.ts calls the same benchCommand the CLI's `bench` subcommand does.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'tools/bench/run-bench.ts'), '--json', '--quick'],
      { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const result = await collect(child);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1] ?? '') as BenchReport;

    expect(report.version).toBe(1);
    expect(report.quick).toBe(true);
    expect(Object.keys(report.ratios).sort()).toEqual([...RATIO_KEYS].sort());
    for (const key of RATIO_KEYS) {
      expect(Number.isFinite(report.ratios[key]), key).toBe(true);
      expect(report.ratios[key], key).toBeGreaterThan(0);
    }
    expect(report.stages.length).toBeGreaterThanOrEqual(3);
    for (const row of report.stages) {
      expect(Number.isFinite(row.endToEnd.medianMs), row.scene).toBe(true);
      expect(Object.keys(row.stagesMs)).toEqual(
        expect.arrayContaining(['detect', 'mesh', 'iris', 'reid', 'expression', 'total', 'track']),
      );
    }
    expect(report.faceCounts.map((r) => r.faces)).toEqual([1, 10]);
    for (const row of report.faceCounts) expect(row.found).toBeGreaterThan(0);
    expect(report.rssMb.peak).toBeGreaterThanOrEqual(report.rssMb.steady);
    expect(report.rssMb.steady).toBeGreaterThan(0);
    expect(report.precision.agreement.int8.frames).toBeGreaterThan(0);
    expect(report.tfjs.frames).toBeGreaterThan(0);
    // Classroom scale: one lane against the pool on the same frames, and back-row recall.
    expect(report.scale.rows.map((r) => r.faces)).toEqual([1, 10]);
    for (const row of report.scale.rows) {
      expect(row.poolMs, `${row.faces} faces`).toBeGreaterThan(0);
      expect(row.laneMs, `${row.faces} faces`).toBeGreaterThan(0);
    }
    expect(report.scale.workers).toBeGreaterThanOrEqual(1);
    expect(report.scale.workersSpeedup).toBeGreaterThan(0);
    expect(report.scale.eventLoopP99Ms).toBeGreaterThanOrEqual(0);
    expect(report.classroomRecallDefault.expected).toBe(21);
    expect(report.classroomRecallDefault.found).toBeGreaterThan(0);
    expect(Object.keys(report.targets)).toEqual(
      expect.arrayContaining(['classroom30Fps', 'workersSpeedup', 'eventLoopP99Ms']),
    );
    // Progress went to stderr, never into stdout's JSON.
    expect(result.stderr).toContain('bench: ');
  }, 180_000);
});
