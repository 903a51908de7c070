// A lesson report: a room's attention over a time range and its alerts, as JSON or CSV (one row
// per class summary or alert, for a spreadsheet). Pure: the rows come from the history store.
import type { AlertView, AttentionPoint } from './room-store.js';

export interface LessonReport {
  room: string;
  fromMs: number;
  toMs: number;
  /** Mean attentive share over the class summaries in range; null when there are none. */
  meanAttentiveShare: number | null;
  alertCounts: Record<string, number>;
  attention: AttentionPoint[];
  alerts: AlertView[];
}

export function buildReport(input: {
  room: string;
  fromMs: number;
  toMs: number;
  attention: AttentionPoint[];
  alerts: AlertView[];
}): LessonReport {
  const { attention, alerts } = input;
  const mean =
    attention.length === 0
      ? null
      : round(attention.reduce((sum, p) => sum + p.attentiveShare, 0) / attention.length);
  const alertCounts: Record<string, number> = {};
  for (const alert of alerts) alertCounts[alert.alert] = (alertCounts[alert.alert] ?? 0) + 1;
  return { ...input, meanAttentiveShare: mean, alertCounts };
}

const CSV_COLUMNS = [
  'type',
  'time',
  'tMs',
  'device',
  'faces',
  'attentiveShare',
  'tired',
  'lookingAround',
  'alert',
  'student',
  'reason',
] as const;

/** Rows in time order; times in ISO 8601 UTC beside the raw ms. */
export function reportCsv(report: LessonReport): string {
  type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;
  const rows: Row[] = [
    ...report.attention.map((p) => ({
      type: 'class',
      tMs: p.tMs,
      device: p.device,
      faces: p.faces,
      attentiveShare: p.attentiveShare,
      tired: p.tired,
      lookingAround: p.lookingAround,
    })),
    ...report.alerts.map((a) => ({
      type: 'alert',
      tMs: a.tMs,
      device: a.device,
      alert: a.alert,
      student: a.student ?? '',
      reason: a.reason,
    })),
  ]
    .sort((a, b) => a.tMs - b.tMs)
    .map((row) => ({ ...row, time: new Date(row.tMs).toISOString() }));
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula
 * (=, +, -, @): an alert reason comes from a box and must stay text.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
