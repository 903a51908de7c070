// The doctor's output: a plain fixed-width table a technician can read over SSH or paste into a
// ticket, then one line naming what failed.
import type { CheckResult } from './check-result.js';

export function renderTable(rows: CheckResult[]): string {
  const header: CheckResult = { check: 'check', status: 'ok', detail: 'detail' };
  const checkWidth = Math.max(...[header, ...rows].map((r) => r.check.length));
  const line = (check: string, status: string, detail: string) =>
    `${check.padEnd(checkWidth)}  ${status.padEnd(6)}  ${detail}`.trimEnd();
  return [
    line('check', 'status', 'detail'),
    line('-'.repeat(checkWidth), '------', '------'),
    ...rows.map((r) => line(r.check, r.status, r.detail.replace(/\s*\n\s*/g, ' '))),
  ].join('\n');
}

export function summaryLine(rows: CheckResult[]): string {
  const failed = rows.filter((r) => r.status === 'FAIL').map((r) => r.check);
  const warned = rows.filter((r) => r.status === 'warn').length;
  if (failed.length > 0) {
    return `doctor: ${failed.length} check(s) FAILED: ${failed.join(', ')}`;
  }
  return warned > 0
    ? `doctor: all checks passed (${warned} warning(s))`
    : 'doctor: all checks passed';
}
