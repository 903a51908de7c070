// Append-only journal on disk: one JSON record per line. Appends are synchronous writes, so a
// killed process loses nothing the kernel already holds; fdatasync runs at most every `fsyncMs`
// (0: after each append) so a power cut loses at most that much. A torn last line (crash in the
// middle of a write) is cut off on load; compaction rewrites the live records to a temp file,
// fsyncs it and renames it over the journal, so the journal is always either old or new, whole.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

export type Lane = 'control' | 'alert' | 'state';

export interface PutRecord {
  op: 'put';
  seq: number;
  lane: Lane;
  topic: string;
  /** The serialised JSON payload, exactly as it will be published. */
  payload: string;
  retain: boolean;
  /** MQTT 5 response routing of a command reply. */
  responseTopic?: string;
  /** base64 of the requester's MQTT 5 correlation data (journal only; never in a payload). */
  correlationData?: string;
}

export type JournalRecord =
  | PutRecord
  | { op: 'ack'; seq: number }
  | { op: 'drop'; seq: number }
  /** Written first by a compaction: the last seq ever assigned, so seq survives an empty queue. */
  | { op: 'seq'; last: number };

export interface JournalOptions {
  path: string;
  fsyncMs: number;
  logger: Logger;
}

export class JournalFile {
  private readonly path: string;
  private readonly fsyncMs: number;
  private readonly logger: Logger;
  private fd: number | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** Lines in the file (live and dead), to decide when compaction pays off. */
  lines = 0;

  constructor(options: JournalOptions) {
    this.path = options.path;
    this.fsyncMs = options.fsyncMs;
    this.logger = options.logger;
  }

  /** Reads every whole record; cuts a torn tail; counts (and skips) corrupt lines. */
  load(): { records: JournalRecord[]; corrupt: number } {
    mkdirSync(dirname(this.path), { recursive: true });
    const records: JournalRecord[] = [];
    let corrupt = 0;
    if (existsSync(this.path)) {
      const text = readFileSync(this.path, 'utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) {
        // A crash mid-append leaves a partial line: drop it so the next append starts clean.
        this.logger.warn({ bytes: text.length - end }, 'journal: cutting a torn last record');
        truncateSync(this.path, Buffer.byteLength(text.slice(0, end), 'utf8'));
      }
      for (const line of text.slice(0, end).split('\n')) {
        if (line === '') continue;
        this.lines += 1;
        const record = parseRecord(line);
        if (record) records.push(record);
        else corrupt += 1;
      }
      if (corrupt > 0) this.logger.error({ corrupt }, 'journal: skipped corrupt records');
    }
    this.fd = openSync(this.path, 'a', 0o600);
    return { records, corrupt };
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  append(record: JournalRecord): void {
    if (this.fd === undefined) throw new Error('journal is not open');
    writeAll(this.fd, `${JSON.stringify(record)}\n`);
    this.lines += 1;
    this.dirty = true;
    if (this.fsyncMs === 0) this.sync();
    else if (!this.syncTimer) {
      this.syncTimer = setTimeout(() => {
        this.syncTimer = undefined;
        this.sync();
      }, this.fsyncMs);
      this.syncTimer.unref();
    }
  }

  /** Replaces the whole journal with `records`, atomically. */
  rewrite(records: JournalRecord[]): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.closeFd();
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
    this.fd = openSync(this.path, 'a', 0o600);
    this.lines = records.length;
  }

  sync(): void {
    if (this.fd === undefined || !this.dirty) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    this.sync();
    this.closeFd();
  }

  private closeFd(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const LANES: ReadonlySet<string> = new Set<Lane>(['control', 'alert', 'state']);

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // counted as corrupt by the caller
  }
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  const seqOk = typeof r.seq === 'number' && Number.isSafeInteger(r.seq) && r.seq > 0;
  switch (r.op) {
    case 'put':
      return seqOk &&
        typeof r.lane === 'string' &&
        LANES.has(r.lane) &&
        typeof r.topic === 'string' &&
        typeof r.payload === 'string' &&
        typeof r.retain === 'boolean'
        ? (r as unknown as PutRecord)
        : undefined;
    case 'ack':
    case 'drop':
      return seqOk ? { op: r.op, seq: r.seq as number } : undefined;
    case 'seq':
      return typeof r.last === 'number' && Number.isSafeInteger(r.last)
        ? { op: 'seq', last: r.last }
        : undefined;
    default:
      return undefined;
  }
}
