// History in SQLite (better-sqlite3): every class summary and alert the hub accepted, for lesson
// reports. A message QoS1 delivered twice is stored once (device + seq is unique), also when two
// hubs share the file and the broker hands a message again to the other after one died. Rows older than
// the retention are deleted on start and every hour after.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { HubMessage } from './hub-message.js';
import type { AlertView, AttentionPoint } from './room-store.js';

const DAY_MS = 86_400_000;
/** better-sqlite3's own default, stated: how long a write waits for another hub's lock. */
const BUSY_TIMEOUT_MS = 5000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS class_summaries (
  room TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL, t_ms INTEGER NOT NULL,
  faces INTEGER NOT NULL, attentive_share REAL NOT NULL, tired INTEGER NOT NULL,
  looking_around INTEGER NOT NULL, received_ms INTEGER NOT NULL,
  UNIQUE (device, seq)
);
CREATE INDEX IF NOT EXISTS class_summaries_room_time ON class_summaries (room, t_ms);
CREATE TABLE IF NOT EXISTS alerts (
  room TEXT NOT NULL, device TEXT NOT NULL, seq INTEGER NOT NULL, t_ms INTEGER NOT NULL,
  alert TEXT NOT NULL, student TEXT, reason TEXT NOT NULL, received_ms INTEGER NOT NULL,
  UNIQUE (device, seq)
);
CREATE INDEX IF NOT EXISTS alerts_room_time ON alerts (room, t_ms);
`;

export interface HistoryStoreOptions {
  /** A file path, or ':memory:'. */
  file: string;
  retentionDays: number;
}

export class HistoryStore {
  private readonly db: Database.Database;
  private readonly retentionMs: number;
  private readonly insertClass: Database.Statement;
  private readonly insertAlert: Database.Statement;

  constructor(options: HistoryStoreOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    // Several hubs on one machine may share this file (mqtt.sharedGroup): each insert is its own
    // short transaction, and a writer that finds the other one's lock waits for it (busy timeout)
    // instead of failing; the hourly prune is the longest writer.
    this.db = new Database(options.file, { timeout: BUSY_TIMEOUT_MS });
    // WAL: reports read while the ingest writes, and readers never block the other hub's
    // writer; NORMAL sync loses at most the last moments.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.retentionMs = options.retentionDays * DAY_MS;
    this.insertClass = this.db.prepare(
      `INSERT OR IGNORE INTO class_summaries
       (room, device, seq, t_ms, faces, attentive_share, tired, looking_around, received_ms)
       VALUES (@room, @device, @seq, @tMs, @faces, @attentiveShare, @tired, @lookingAround, @receivedMs)`,
    );
    this.insertAlert = this.db.prepare(
      `INSERT OR IGNORE INTO alerts (room, device, seq, t_ms, alert, student, reason, received_ms)
       VALUES (@room, @device, @seq, @tMs, @alert, @student, @reason, @receivedMs)`,
    );
  }

  /** Stores class summaries and alerts; other kinds are live state only. */
  record(message: HubMessage): void {
    const p = message.payload;
    const common = {
      room: message.room,
      device: message.device,
      seq: p.seq,
      tMs: p.tMs,
      receivedMs: message.receivedMs,
    };
    if (message.kind === 'class')
      this.insertClass.run({
        ...common,
        faces: p.faces,
        attentiveShare: p.attentiveShare,
        tired: p.tired,
        lookingAround: p.lookingAround,
      });
    else if (message.kind === 'alert')
      this.insertAlert.run({
        ...common,
        alert: p.alert,
        student: typeof p.student === 'string' ? p.student : null,
        reason: p.reason,
      });
  }

  /** Deletes rows older than the retention; returns how many went. */
  prune(nowMs: number): { classSummaries: number; alerts: number } {
    const cutoff = nowMs - this.retentionMs;
    const classSummaries = this.db
      .prepare('DELETE FROM class_summaries WHERE t_ms < ?')
      .run(cutoff).changes;
    const alerts = this.db.prepare('DELETE FROM alerts WHERE t_ms < ?').run(cutoff).changes;
    return { classSummaries, alerts };
  }

  attention(room: string, fromMs: number, toMs: number): AttentionPoint[] {
    return this.db
      .prepare(
        `SELECT device, t_ms AS tMs, attentive_share AS attentiveShare, faces, tired,
                looking_around AS lookingAround
         FROM class_summaries WHERE room = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms, device`,
      )
      .all(room, fromMs, toMs) as AttentionPoint[];
  }

  alerts(room: string, fromMs: number, toMs: number): AlertView[] {
    const rows = this.db
      .prepare(
        `SELECT device, alert, student, reason, seq, t_ms AS tMs FROM alerts
         WHERE room = ? AND t_ms >= ? AND t_ms < ? ORDER BY t_ms, device`,
      )
      .all(room, fromMs, toMs) as Array<AlertView & { student: string | null }>;
    return rows.map(({ student, ...rest }) => (student === null ? rest : { ...rest, student }));
  }

  /** Rooms with any history (a report may be asked for a room no box reports live now). */
  rooms(): string[] {
    const rows = this.db
      .prepare('SELECT room FROM class_summaries UNION SELECT room FROM alerts ORDER BY room')
      .all() as Array<{ room: string }>;
    return rows.map((r) => r.room);
  }

  close(): void {
    this.db.close();
  }
}
