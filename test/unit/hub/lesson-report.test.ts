import { describe, expect, it } from 'vitest';
import { buildReport, csvCell, reportCsv } from '../../../src/hub/lesson-report.js';

const t0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const report = buildReport({
  room: 'lab',
  fromMs: t0,
  toMs: t0 + 3_600_000,
  attention: [
    {
      device: 'box-1',
      tMs: t0 + 10_000,
      attentiveShare: 0.5,
      faces: 4,
      tired: 1,
      lookingAround: 1,
    },
    { device: 'box-1', tMs: t0 + 30_000, attentiveShare: 1, faces: 4, tired: 0, lookingAround: 0 },
  ],
  alerts: [
    {
      device: 'box-1',
      alert: 'tired',
      student: 'ana',
      reason: 'PERCLOS 0.21',
      seq: 3,
      tMs: t0 + 20_000,
    },
    {
      device: 'box-1',
      alert: 'camera-lost',
      reason: 'no frames, "cable"?',
      seq: 4,
      tMs: t0 + 40_000,
    },
  ],
});

describe('lesson report', () => {
  it('summarises the attention and counts alerts by kind', () => {
    expect(report.meanAttentiveShare).toBe(0.75);
    expect(report.alertCounts).toEqual({ tired: 1, 'camera-lost': 1 });
    expect(buildReport({ ...report, attention: [], alerts: [] }).meanAttentiveShare).toBeNull();
  });

  it('writes one CSV row per summary or alert in time order, quoted per RFC 4180', () => {
    expect(reportCsv(report).split('\r\n')).toEqual([
      'type,time,tMs,device,faces,attentiveShare,tired,lookingAround,alert,student,reason',
      `class,2026-12-04T09:00:10.000Z,${t0 + 10_000},box-1,4,0.5,1,1,,,`,
      `alert,2026-12-04T09:00:20.000Z,${t0 + 20_000},box-1,,,,,tired,ana,PERCLOS 0.21`,
      `class,2026-12-04T09:00:30.000Z,${t0 + 30_000},box-1,4,1,0,0,,,`,
      `alert,2026-12-04T09:00:40.000Z,${t0 + 40_000},box-1,,,,,camera-lost,,"no frames, ""cable""?"`,
      '',
    ]);
  });

  it('keeps spreadsheet formulas as text', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(undefined)).toBe('');
  });
});
