// The bounded, disk-backed queue every QoS1 message passes through, and the owner of the
// device-wide seq. A message is journalled (with its seq) before anyone may send it and is only
// forgotten when the broker has acknowledged it, so broker outages, daemon crashes and restarts lose
// nothing. Three lanes, sent in priority order: control (status, command replies), alerts, state
// (students and class). At the bound the oldest *state* messages are dropped and counted; alerts and
// control messages are never dropped.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DirLock } from './dir-lock.js';
import { JournalFile, type JournalRecord, type Lane, type PutRecord } from './journal-file.js';

export type { Lane } from './journal-file.js';
export type QueuedMessage = Omit<PutRecord, 'op'>;

export interface DiskQueueOptions {
  /** Directory of the journal (`${device.stateDir}/mqtt`). */
  dir: string;
  maxMessages: number;
  fsyncMs: number;
  logger: Logger;
}

export interface QueueStats {
  depth: number;
  inflight: number;
  /** State messages dropped at the bound since the queue was opened. */
  droppedState: number;
  /** Messages the broker refused (error reason code); never retried. */
  rejected: number;
  /** Unreadable journal records found on open. */
  corrupt: number;
  lastSeq: number;
}

const LANE_ORDER: readonly Lane[] = ['control', 'alert', 'state'];
/** Compact when dead lines outnumber live ones by this many (amortises the rewrite). */
const COMPACT_MIN_DEAD = 1000;

interface Entry {
  message: QueuedMessage;
  inflight: boolean;
}

export class DiskQueue {
  private readonly journal: JournalFile;
  private readonly lock: DirLock;
  private readonly dir: string;
  private readonly maxMessages: number;
  private readonly logger: Logger;
  /** Per lane, entries in seq order (Map keeps insertion order; deletes are O(1)). */
  private readonly lanes = new Map<Lane, Map<number, Entry>>(LANE_ORDER.map((l) => [l, new Map()]));
  private live = 0;
  private inflightCount = 0;
  private lastSeqValue = 0;
  private droppedState = 0;
  private rejected = 0;
  private corrupt = 0;
  private overBoundWarned = false;

  constructor(options: DiskQueueOptions) {
    this.journal = new JournalFile({
      path: join(options.dir, 'queue.journal'),
      fsyncMs: options.fsyncMs,
      logger: options.logger,
    });
    this.dir = options.dir;
    this.lock = new DirLock({ path: join(options.dir, 'queue.lock') });
    this.maxMessages = options.maxMessages;
    this.logger = options.logger;
  }

  /** Loads what a previous run left: unsent messages keep their seq, time and order. */
  open(): void {
    mkdirSync(this.dir, { recursive: true });
    this.lock.acquire();
    let loaded: ReturnType<JournalFile['load']>;
    try {
      loaded = this.journal.load();
    } catch (error) {
      this.lock.release();
      throw error;
    }
    const { records, corrupt } = loaded;
    this.corrupt = corrupt;
    for (const record of records) this.replay(record);
    if (this.live > 0)
      this.logger.info({ depth: this.live, lastSeq: this.lastSeqValue }, 'queue: resuming');
  }

  /** Not yet opened, or closed: nothing can be pushed. */
  get closed(): boolean {
    return !this.journal.isOpen;
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  get depth(): number {
    return this.live;
  }

  /** Assigns the next seq, journals the message and returns it. `build` gets the seq. */
  push(lane: Lane, build: (seq: number) => Omit<QueuedMessage, 'seq' | 'lane'>): QueuedMessage {
    const seq = this.lastSeqValue + 1;
    const message: QueuedMessage = { seq, lane, ...build(seq) };
    this.journal.append({ op: 'put', ...message });
    this.lastSeqValue = seq;
    this.laneOf(lane).set(seq, { message, inflight: false });
    this.live += 1;
    this.enforceBound();
    return message;
  }

  /** The next message to send (highest-priority lane first), marked in flight. */
  takeNext(): QueuedMessage | undefined {
    for (const lane of LANE_ORDER) {
      for (const entry of this.laneOf(lane).values()) {
        if (entry.inflight) continue;
        entry.inflight = true;
        this.inflightCount += 1;
        return entry.message;
      }
    }
    return undefined;
  }

  /** The broker has the message: forget it. */
  ack(seq: number): void {
    if (this.remove(seq)) this.journal.append({ op: 'ack', seq });
    this.maybeCompact();
  }

  /** Sending failed before an acknowledgement: make it eligible again (same seq, same payload). */
  release(seq: number): void {
    const entry = this.find(seq);
    if (entry?.inflight) {
      entry.inflight = false;
      this.inflightCount -= 1;
    }
  }

  /** The broker refused the message (error reason code): retrying cannot help. */
  reject(seq: number): void {
    if (this.remove(seq)) {
      this.journal.append({ op: 'drop', seq });
      this.rejected += 1;
    }
  }

  stats(): QueueStats {
    return {
      depth: this.live,
      inflight: this.inflightCount,
      droppedState: this.droppedState,
      rejected: this.rejected,
      corrupt: this.corrupt,
      lastSeq: this.lastSeqValue,
    };
  }

  close(): void {
    this.journal.close();
    this.lock.release();
  }

  private replay(record: JournalRecord): void {
    if (record.op === 'seq') {
      this.lastSeqValue = Math.max(this.lastSeqValue, record.last);
      return;
    }
    this.lastSeqValue = Math.max(this.lastSeqValue, record.seq);
    if (record.op === 'put') {
      const { op: _op, ...message } = record;
      if (!this.find(message.seq)) this.live += 1;
      this.laneOf(message.lane).set(message.seq, { message, inflight: false });
    } else {
      this.remove(record.seq);
    }
  }

  private enforceBound(): void {
    while (this.live > this.maxMessages) {
      const oldest = this.oldestIdle('state');
      if (!oldest) {
        if (!this.overBoundWarned)
          this.logger.error(
            { depth: this.live, bound: this.maxMessages },
            'queue: over its bound with only alerts and control messages; keeping them',
          );
        this.overBoundWarned = true;
        return;
      }
      this.remove(oldest.message.seq);
      this.journal.append({ op: 'drop', seq: oldest.message.seq });
      if (this.droppedState === 0)
        this.logger.warn(
          { bound: this.maxMessages },
          'queue: full, dropping oldest state messages',
        );
      this.droppedState += 1;
    }
    this.overBoundWarned = false;
    this.maybeCompact();
  }

  private maybeCompact(): void {
    const dead = this.journal.lines - this.live;
    if (dead < COMPACT_MIN_DEAD || dead < this.live) return;
    const puts: PutRecord[] = [];
    for (const lane of this.lanes.values())
      for (const entry of lane.values()) puts.push({ op: 'put', ...entry.message });
    puts.sort((a, b) => a.seq - b.seq);
    this.journal.rewrite([{ op: 'seq', last: this.lastSeqValue }, ...puts]);
  }

  private oldestIdle(lane: Lane): Entry | undefined {
    for (const entry of this.laneOf(lane).values()) if (!entry.inflight) return entry;
    return undefined;
  }

  private remove(seq: number): boolean {
    for (const lane of this.lanes.values()) {
      const entry = lane.get(seq);
      if (!entry) continue;
      if (entry.inflight) this.inflightCount -= 1;
      lane.delete(seq);
      this.live -= 1;
      return true;
    }
    return false;
  }

  private find(seq: number): Entry | undefined {
    for (const lane of this.lanes.values()) {
      const entry = lane.get(seq);
      if (entry) return entry;
    }
    return undefined;
  }

  private laneOf(lane: Lane): Map<number, Entry> {
    const map = this.lanes.get(lane);
    if (!map) throw new Error(`unknown lane ${lane}`);
    return map;
  }
}
