// The connection to the broker: connect in the background, reconnect with capped exponential
// backoff, and feed the disk queue to the client in a bounded window. A message leaves the queue
// only on the broker's acknowledgement; unacknowledged ones in the client are re-sent by mqtt.js
// after a reconnect (same packet, same seq), and after a restart by us from the journal.
import { connect, type IClientPublishOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { buildClientOptions } from './client-options.js';
import type { DiskQueue, QueuedMessage } from './disk-queue.js';
import type { PrivacyGuard } from './privacy-guard.js';

/** QoS1 messages handed to the client at once; below mosquitto's default of 20 in flight. */
const SEND_WINDOW = 16;

export interface IncomingProperties {
  responseTopic?: string;
  correlationData?: Buffer;
}

export interface MqttLinkOptions {
  mqtt: Config['mqtt'];
  url: string;
  protocolVersion: 4 | 5;
  will: { topic: string; payload: string };
  queue: DiskQueue;
  /** Checked again at send time: the journal may hold messages from an older build or config. */
  guard: PrivacyGuard;
  onRefused: (topic: string, reason: string | undefined) => void;
  logger: Logger;
  /** Subscriptions to (re)establish on every connect. */
  subscriptions: string[];
  onConnect: () => void;
  onMessage: (topic: string, body: Buffer, properties: IncomingProperties | undefined) => void;
}

export class MqttLink {
  private readonly options: MqttLinkOptions;
  private readonly logger: Logger;
  private client: MqttClient | undefined;
  private failedConnects = 0;
  private closing = false;
  sent = 0;
  connects = 0;

  constructor(options: MqttLinkOptions) {
    this.options = options;
    this.logger = options.logger;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { mqtt, protocolVersion, will } = this.options;
    const client = connect(this.options.url, buildClientOptions({ mqtt, protocolVersion, will }));
    this.client = client;
    client.on('connect', (connack) => this.onConnect(connack.sessionPresent));
    client.on('close', () => this.onClose());
    client.on('error', (error) => {
      // The same refusal every retry during an outage: warn on the first of a streak only.
      const level = this.failedConnects <= 1 ? 'warn' : 'debug';
      this.logger[level]({ err: error.message }, 'mqtt error');
    });
    client.on('message', (topic, body, packet) =>
      this.options.onMessage(topic, body, packet.properties),
    );
  }

  /** Hands queued messages to the client while connected, up to the window. */
  pump(): void {
    const client = this.client;
    if (!client?.connected || this.closing) return;
    while (this.options.queue.stats().inflight < SEND_WINDOW) {
      const message = this.options.queue.takeNext();
      if (!message) return;
      const verdict = this.options.guard.checkSerialised(message.payload);
      if (!verdict.ok) {
        this.options.queue.reject(message.seq);
        this.options.onRefused(message.topic, verdict.reason);
        continue;
      }
      client.publish(message.topic, message.payload, this.publishOptions(message), (error) =>
        this.onPublished(message, error),
      );
    }
  }

  /**
   * Fire-and-forget (health QoS0, discovery configs QoS1): only while connected, never queued or
   * journaled; the caller sends it again on the next connect.
   */
  publishVolatile(topic: string, payload: string, retain: boolean, qos: 0 | 1 = 0): void {
    const client = this.client;
    if (!client?.connected || this.closing) return;
    client.publish(topic, payload, { qos, retain }, (error) => {
      if (error) this.logger.debug({ topic, err: error.message }, 'volatile message not sent');
    });
  }

  /** Waits up to `flushMs` for the queue to drain while connected, then disconnects. */
  async stop(flushMs: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    const deadline = Date.now() + flushMs;
    while (client.connected && this.options.queue.depth > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.closing = true;
    // Forced when the broker is away: nothing to wait for, the journal keeps what is unsent. A
    // graceful end waits for acks a silent broker may never send, so it is bounded as well.
    let timer: NodeJS.Timeout | undefined;
    const graceful = client.endAsync(!client.connected);
    const bounded = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), flushMs);
    });
    if ((await Promise.race([graceful, bounded])) === 'timeout') await client.endAsync(true);
    clearTimeout(timer);
  }

  private onConnect(sessionPresent: boolean): void {
    this.connects += 1;
    this.failedConnects = 0;
    if (this.client) this.client.options.reconnectPeriod = this.options.mqtt.reconnectMinMs;
    this.logger.info(
      { sessionPresent, queued: this.options.queue.depth, connects: this.connects },
      'mqtt connected',
    );
    for (const filter of this.options.subscriptions)
      this.client?.subscribe(filter, { qos: 1 }, (error) => {
        if (error) this.logger.error({ filter, err: error.message }, 'cannot subscribe');
      });
    this.options.onConnect();
    this.pump();
  }

  private onClose(): void {
    if (this.closing || !this.client) return;
    this.failedConnects += 1;
    const { reconnectMinMs, reconnectMaxMs } = this.options.mqtt;
    const delayMs = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** (this.failedConnects - 1));
    // mqtt.js reads reconnectPeriod when it schedules the next attempt: capped exponential backoff.
    this.client.options.reconnectPeriod = delayMs;
    if (this.failedConnects === 1 || this.failedConnects % 10 === 0)
      this.logger.warn(
        { attempts: this.failedConnects, retryMs: delayMs, queued: this.options.queue.depth },
        'mqtt disconnected; retrying',
      );
  }

  private onPublished(message: QueuedMessage, error: Error | undefined): void {
    const queue = this.options.queue;
    // Callbacks flushed by a forced end arrive after stop() closed the queue; the journal still
    // holds those messages, so the next run sends them (an ack lost here means a duplicate).
    if (queue.closed) return;
    if (!error) {
      queue.ack(message.seq);
      this.sent += 1;
    } else if (isBrokerRefusal(error)) {
      this.logger.error({ topic: message.topic, err: error.message }, 'broker refused a message');
      queue.reject(message.seq);
    } else {
      queue.release(message.seq);
    }
    setImmediate(() => this.pump());
  }

  private publishOptions(message: QueuedMessage): IClientPublishOptions {
    const v5 = this.options.protocolVersion === 5;
    return {
      qos: 1,
      retain: message.retain,
      ...(v5 && message.correlationData
        ? { properties: { correlationData: Buffer.from(message.correlationData, 'base64') } }
        : {}),
    };
  }
}

/** An error reason code in a PUBACK (MQTT 5): the broker will never take this message. */
function isBrokerRefusal(error: Error): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'number' && code >= 0x80;
}
