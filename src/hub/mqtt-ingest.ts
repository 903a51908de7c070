// The hub's MQTT side: connections to the school broker with the daemon's TLS/credential options,
// every message checked (src/hub/hub-message.ts) and handed on, or refused and logged. Retained
// status/health arrive first on (re)subscribe and rebuild the state.
//
// One hub: one connection, one subscription, each message used for the live view and the history.
// Several hubs (mqtt.sharedGroup): every hub keeps that connection for the live view (a teacher may
// reach any hub) and opens a second one whose shared subscription ($share/<group>/…) hands each
// class summary and alert to exactly one hub for the history. The second connection keeps no
// session: mosquitto (2.0.11, measured) goes on queueing a share for a member whose session
// lives on, so a dead hub would hold its share until it came back; without a session the broker
// drops it from the group at once and the others take over. One MQTT session cannot be both,
// hence two connections (which also tells the two copies apart: no subscription identifiers).
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { buildClientOptions } from '../publish/client-options.js';
import { type HubMessage, MessageChecker } from './hub-message.js';
import type { HubConfig } from './hub-schema.js';

/** Above the checker's own bound, so an oversized message is refused *and logged* by us. */
const MAX_INCOMING_PACKET_BYTES = 64 * 1024;

/** What a delivered copy of a message is for on this hub. */
export interface MessageUse {
  /** Room state, dashboards, command replies. */
  live: boolean;
  /** The SQLite history (class summaries and alerts). */
  history: boolean;
}

export interface MqttIngestOptions {
  mqtt: HubConfig['mqtt'];
  logger: Logger;
  onMessage: (message: HubMessage, use: MessageUse) => void;
  now?: () => number;
}

export interface IngestStats {
  /** Every connection of this hub is up. */
  connected: boolean;
  accepted: number;
  refused: number;
  /** Refused as image-like, embedding-like or binary (the privacy guard). */
  refusedPrivacy: number;
  /** Connections after the first (the broker went away and came back; the main connection's). */
  reconnects: number;
  /** Class summaries and alerts handed to this hub's history (its share with a sharedGroup). */
  forHistory: number;
}

/** One connection: its client id, session, filters and what its messages are for. */
export interface IngestLink {
  name: 'main' | 'history';
  clientId: string;
  sessionExpiryS: number;
  filters: string[];
  use: MessageUse;
}

export class MqttIngest {
  private readonly options: MqttIngestOptions;
  private readonly checker: MessageChecker;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** Each open connection with the link it was opened for (links() order: main first). */
  private connections: Array<{ link: IngestLink; client: MqttClient }> = [];
  private readonly counts = {
    accepted: 0,
    refused: 0,
    refusedPrivacy: 0,
    reconnects: 0,
    forHistory: 0,
  };
  // Declared before `subscribed`: field initialisers run in order, and that one sets this.
  private markSubscribed: () => void = () => undefined;
  /** Resolves once every connection has subscribed for the first time. */
  readonly subscribed: Promise<void> = new Promise((resolve) => {
    this.markSubscribed = resolve;
  });

  constructor(options: MqttIngestOptions) {
    this.options = options;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.checker = new MessageChecker({ baseTopic: options.mqtt.baseTopic });
  }

  /** The connections this hub opens and what each reads (the only place that decides it). */
  links(): IngestLink[] {
    const { baseTopic, clientId, sessionExpiryS, sharedGroup } = this.options.mqtt;
    // Without a group, the one connection's messages serve the history too.
    const main = (history: boolean): IngestLink => ({
      name: 'main',
      clientId,
      sessionExpiryS,
      filters: [`${baseTopic}/+/+/#`],
      use: { live: true, history },
    });
    if (sharedGroup === '') return [main(true)];
    return [
      main(false),
      {
        name: 'history',
        clientId: `${clientId}-history`,
        sessionExpiryS: 0,
        filters: ['class', 'alerts'].map(
          (kind) => `$share/${sharedGroup}/${baseTopic}/+/+/${kind}`,
        ),
        use: { live: false, history: true },
      },
    ];
  }

  /**
   * Connects in the background (an absent broker does not stop the dashboard); `subscribed`
   * resolves after every connection's first subscription, when retained messages are on their way.
   */
  start(): void {
    const links = this.links();
    let pending = links.length;
    this.connections = links.map((link) => ({
      link,
      client: this.open(link, () => {
        pending -= 1;
        if (pending === 0) this.markSubscribed();
      }),
    }));
  }

  get stats(): IngestStats {
    const open = this.connections;
    const connected = open.length > 0 && open.every(({ client }) => client.connected);
    return { connected, ...this.counts };
  }

  /** Publishes a command request to a box: `<base>/<room>/<device>/cmd/<name>`, QoS1. */
  async publishCommand(room: string, device: string, name: string, body: object): Promise<void> {
    const client = this.connections[0]?.client;
    if (!client?.connected) throw new Error('the hub is not connected to the broker');
    const topic = `${this.options.mqtt.baseTopic}/${room}/${device}/cmd/${name}`;
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1 });
  }

  async stop(): Promise<void> {
    const open = this.connections;
    this.connections = [];
    await Promise.all(
      open.map(async ({ link, client }) => {
        // A member of a shared group leaves it before closing: after the UNSUBACK the broker hands
        // its share to the other hubs, and what it had already sent here has arrived before the
        // UNSUBACK (one ordered stream) and been stored. Closing without it lost the messages in
        // flight (mosquitto does not pass them on to another member).
        if (link.name === 'history' && client.connected) {
          await client.unsubscribeAsync(link.filters).catch((error: unknown) => {
            this.logger.warn({ err: error }, 'hub could not leave the shared group before closing');
          });
        }
        await client.endAsync();
      }),
    );
  }

  private open(link: IngestLink, onFirstSubscribe: () => void): MqttClient {
    const { mqtt } = this.options;
    const client = connect(
      mqtt.url,
      buildClientOptions({
        mqtt: { ...mqtt, clientId: link.clientId, sessionExpiryS: link.sessionExpiryS },
        protocolVersion: mqtt.protocolVersion,
        maxIncomingPacketBytes: MAX_INCOMING_PACKET_BYTES,
      }),
    );
    const log = this.logger.child({ link: link.name });
    let connections = 0;
    let subscribedOnce = false;
    client.on('message', (topic, payload) => this.receive(topic, payload, link.use));
    client.on('connect', () => {
      connections += 1;
      if (connections > 1 && link.name === 'main') this.counts.reconnects += 1;
      log.info({ url: mqtt.url, clientId: link.clientId }, 'hub connected to the broker');
      // Every (re)connect subscribes again: retained status/health come anew and refresh the
      // state; a kept session makes this a no-op for the broker.
      client.subscribe(link.filters, { qos: 1 }, (error, granted) => {
        // A broker ACL refuses a subscription in the SUBACK (QoS 128 / reason code >= 0x80);
        // a broker without shared subscriptions answers 0x9E the same way.
        const refused = granted?.filter((g) => g.qos >= 128).map((g) => g.topic) ?? [];
        if (error || refused.length > 0)
          log.error(
            { err: error, refused },
            link.use.live
              ? 'the broker refused the subscription: the hub user needs read access (docs/hub.md)'
              : 'the broker refused the shared subscription (mqtt.sharedGroup): it needs MQTT 5 ' +
                  'shared subscriptions and read access for the hub user; this hub stores no history',
          );
        else if (!subscribedOnce) {
          subscribedOnce = true;
          onFirstSubscribe();
        }
      });
    });
    client.on('offline', () => log.warn({ url: mqtt.url }, 'hub lost the broker'));
    client.on('error', (error) => log.warn({ err: error }, 'mqtt error'));
    return client;
  }

  private receive(topic: string, payload: Buffer, use: MessageUse): void {
    const verdict = this.checker.check(topic, payload, this.now());
    if (verdict === undefined) return;
    if (!verdict.ok) {
      // The history connection's copy is also delivered to the live one, which reports it: one
      // log line per refused message, not two.
      if (!use.live) return;
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
    if (use.live) this.counts.accepted++;
    const kind = verdict.message.kind;
    if (use.history && (kind === 'class' || kind === 'alert')) this.counts.forHistory++;
    try {
      // mqtt.js sends the PUBACK after this handler returns, and the history write is
      // synchronous: the broker counts a message delivered only once its row is written.
      this.options.onMessage(verdict.message, use);
    } catch (error) {
      // A bug downstream must not take the connection with it; the message is named.
      this.logger.error({ err: error, topic }, 'handling a message failed');
    }
  }
}
