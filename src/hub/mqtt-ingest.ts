// The hub's MQTT side: one connection to the school broker with the daemon's TLS/credential
// options, one subscription (all of it lives in subscriptionFilters(): several hubs sharing the
// load would change only that), every message checked (src/hub/hub-message.ts) and handed on, or
// refused and logged. Retained status/health arrive first on (re)subscribe and rebuild the state.
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { buildClientOptions } from '../publish/client-options.js';
import { type HubMessage, MessageChecker } from './hub-message.js';
import type { HubConfig } from './hub-schema.js';

/** Above the checker's own bound, so an oversized message is refused *and logged* by us. */
const MAX_INCOMING_PACKET_BYTES = 64 * 1024;

export interface MqttIngestOptions {
  mqtt: HubConfig['mqtt'];
  logger: Logger;
  onMessage: (message: HubMessage) => void;
  now?: () => number;
}

export interface IngestStats {
  connected: boolean;
  accepted: number;
  refused: number;
  /** Refused as image-like, embedding-like or binary (the privacy guard). */
  refusedPrivacy: number;
  /** Connections after the first (the broker went away and came back). */
  reconnects: number;
}

export class MqttIngest {
  private readonly options: MqttIngestOptions;
  private readonly checker: MessageChecker;
  private readonly logger: Logger;
  private readonly now: () => number;
  private client: MqttClient | undefined;
  private readonly counts = { accepted: 0, refused: 0, refusedPrivacy: 0, reconnects: 0 };
  // Declared before `subscribed`: field initialisers run in order, and that one sets this.
  private markSubscribed: () => void = () => undefined;
  /** Resolves once the hub has subscribed for the first time. */
  readonly subscribed: Promise<void> = new Promise((resolve) => {
    this.markSubscribed = resolve;
  });

  constructor(options: MqttIngestOptions) {
    this.options = options;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.checker = new MessageChecker({ baseTopic: options.mqtt.baseTopic });
  }

  /** The topic filters the hub reads: every room and device under the base topic. */
  subscriptionFilters(): string[] {
    return [`${this.options.mqtt.baseTopic}/+/+/#`];
  }

  /**
   * Connects in the background (an absent broker does not stop the dashboard); `subscribed`
   * resolves after the first subscription, when retained messages are on their way.
   */
  start(): void {
    const { mqtt } = this.options;
    const client = connect(
      mqtt.url,
      buildClientOptions({
        mqtt,
        protocolVersion: mqtt.protocolVersion,
        maxIncomingPacketBytes: MAX_INCOMING_PACKET_BYTES,
      }),
    );
    this.client = client;
    client.on('message', (topic, payload) => this.receive(topic, payload));
    let connections = 0;
    client.on('connect', () => {
      connections += 1;
      if (connections > 1) this.counts.reconnects += 1;
      this.logger.info({ url: mqtt.url }, 'hub connected to the broker');
      // Every (re)connect subscribes again: retained status/health come anew and refresh the
      // state; a kept session makes this a no-op for the broker.
      client.subscribe(this.subscriptionFilters(), { qos: 1 }, (error, granted) => {
        // A broker ACL refuses a subscription in the SUBACK (QoS 128 / reason code >= 0x80).
        const refused = granted?.filter((g) => g.qos >= 128).map((g) => g.topic) ?? [];
        if (error || refused.length > 0)
          this.logger.error(
            { err: error, refused },
            'the broker refused the subscription: the hub user needs read access (docs/hub.md)',
          );
        else this.markSubscribed();
      });
    });
    client.on('offline', () => this.logger.warn({ url: mqtt.url }, 'hub lost the broker'));
    client.on('error', (error) => this.logger.warn({ err: error }, 'mqtt error'));
  }

  get stats(): IngestStats {
    return { connected: this.client?.connected === true, ...this.counts };
  }

  /** Publishes a command request to a box: `<base>/<room>/<device>/cmd/<name>`, QoS1. */
  async publishCommand(room: string, device: string, name: string, body: object): Promise<void> {
    const client = this.client;
    if (!client?.connected) throw new Error('the hub is not connected to the broker');
    const topic = `${this.options.mqtt.baseTopic}/${room}/${device}/cmd/${name}`;
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1 });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }

  private receive(topic: string, payload: Buffer): void {
    const verdict = this.checker.check(topic, payload, this.now());
    if (verdict === undefined) return;
    if (!verdict.ok) {
      this.counts.refused++;
      if (verdict.privacy) this.counts.refusedPrivacy++;
      // The payload itself is never logged: it may be exactly what must not be kept.
      this.logger.warn(
        { topic, bytes: payload.length, reason: verdict.reason, privacy: verdict.privacy },
        verdict.privacy
          ? 'refused a message with image-like or embedding-like content'
          : 'refused a malformed message',
      );
      return;
    }
    this.counts.accepted++;
    try {
      this.options.onMessage(verdict.message);
    } catch (error) {
      // A bug downstream must not take the connection with it; the message is named.
      this.logger.error({ err: error, topic }, 'handling a message failed');
    }
  }
}
