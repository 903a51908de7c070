// The one way into the queue: privacy guard first, then seq, journal and a nudge to the link.
// A refused payload is logged and counted and never gets a seq, so refusals leave no seq gaps.
import type { Logger } from 'pino';
import type { DiskQueue, Lane } from './disk-queue.js';
import type { Payload } from './payloads.js';
import type { PrivacyGuard } from './privacy-guard.js';

/** Room left in the size check for the seq added after it ("seq":9007199254740991,). */
const SEQ_BYTES = 26;

export interface Routing {
  responseTopic?: string;
  /** base64 of MQTT 5 correlation data. */
  correlationData?: string;
}

export interface OutboxOptions {
  queue: DiskQueue;
  guard: PrivacyGuard;
  logger: Logger;
  /** Called after each queued message (the link sends when it can). */
  onQueued: () => void;
}

export class Outbox {
  private readonly options: OutboxOptions;
  refused = 0;
  /** Messages lost because the journal could not be written. */
  journalErrors = 0;

  constructor(options: OutboxOptions) {
    this.options = options;
  }

  /** True when the payload (with its seq to come) would pass the guard. */
  accepts(payload: Payload): boolean {
    return this.options.guard.check(payload, SEQ_BYTES).ok;
  }

  /** Guard, assign seq, journal, nudge. False when refused by the guard or the queue is closed. */
  put(lane: Lane, topic: string, payload: Payload, retain = false, routing: Routing = {}): boolean {
    if (this.options.queue.closed) {
      // A command answered while the daemon stops: log it rather than throw from a callback.
      this.options.logger.warn({ topic }, 'queue closed; message not queued');
      return false;
    }
    const verdict = this.options.guard.check(payload, SEQ_BYTES);
    if (!verdict.ok) {
      this.refuse(topic, verdict.reason);
      return false;
    }
    const { v, device, tMs, ...rest } = payload;
    try {
      this.options.queue.push(lane, (seq) => ({
        topic,
        payload: JSON.stringify({ v, device, tMs, seq, ...rest }),
        retain,
        ...routing,
      }));
    } catch (error) {
      // Disk full or failing: the message is lost (no seq was used); the daemon keeps running.
      this.journalErrors += 1;
      if (this.journalErrors === 1 || this.journalErrors % 100 === 0)
        this.options.logger.error(
          { topic, err: (error as Error).message, journalErrors: this.journalErrors },
          'cannot write the MQTT queue journal; message lost',
        );
      return false;
    }
    this.options.onQueued();
    return true;
  }

  refuse(topic: string, reason: string | undefined): void {
    this.refused += 1;
    this.options.logger.error({ topic, reason }, 'privacy guard refused a payload; not published');
  }
}
