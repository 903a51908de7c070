// What the daemon hands the publisher and what it gets back from stats(): the publisher's side of
// the daemon boundary (the command side is CommandHandler in commands.ts).
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { CommandHandler } from './commands.js';

export interface MqttPublisherOptions {
  mqtt: Config['mqtt'];
  privacy: Config['privacy'];
  device: Config['device'];
  logger: Logger;
  commands?: CommandHandler;
  /** Wall clock, ms since the epoch (tests pass a fake one). */
  now?: () => number;
}

export interface PublisherStats {
  connected: boolean;
  queueDepth: number;
  inflight: number;
  /** QoS1 messages the broker acknowledged since start. */
  sent: number;
  /** State messages dropped at the queue bound. */
  droppedState: number;
  /** Messages the broker refused with an error reason code. */
  rejected: number;
  /** Payloads the privacy guard refused (never published). */
  refused: number;
  /** Messages lost because the queue journal could not be written (disk full or failing). */
  journalErrors: number;
  suppressedAlerts: number;
  lastSeq: number;
  connects: number;
}
