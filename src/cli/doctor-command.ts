// `classpulse doctor [--config FILE]`: checks the camera, models, broker, disk and clock, prints a
// table, and exits 0 when nothing failed, 1 when something did (named on the last line), 78 when
// the configuration itself is invalid.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import type { CheckResult } from '../ops/doctor/check-result.js';
import { type DoctorTimeouts, runDoctor } from '../ops/doctor/doctor.js';
import { renderTable, summaryLine } from '../ops/doctor/doctor-table.js';
import { reportConfigError } from './config-command.js';

export interface DoctorCommandOptions {
  /** Where the table goes (tests capture it). */
  out?: { write(text: string): unknown };
  timeouts?: Partial<DoctorTimeouts>;
}

export async function doctorCommand(
  file: string | undefined,
  options: DoctorCommandOptions = {},
): Promise<ExitCodeValue> {
  const out = options.out ?? process.stdout;
  let config: Config;
  let used: string | undefined;
  try {
    ({ config, file: used } = loadConfig({ file }));
  } catch (error) {
    out.write(
      `${renderTable([{ check: 'config', status: 'FAIL', detail: 'invalid (see below)' }])}\n`,
    );
    return reportConfigError(error);
  }
  const rows: CheckResult[] = [
    { check: 'config', status: 'ok', detail: used ?? 'defaults + environment' },
    ...(await runDoctor({ config, ...(options.timeouts ? { timeouts: options.timeouts } : {}) })),
  ];
  out.write(`${renderTable(rows)}\n\n${summaryLine(rows)}\n`);
  return rows.some((r) => r.status === 'FAIL') ? ExitCode.failure : ExitCode.ok;
}
