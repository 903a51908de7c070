// The hub as one object: MQTT ingest → live room state, SQLite history, command replies and the
// event stream; the HTTP server on top. `classpulse hub` and the tests build it the same way.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { maskSensitive } from '../config/mask.js';
import { MetricSet } from '../metrics/metric-set.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { CommandDesk } from './command-desk.js';
import { EventStream } from './event-stream.js';
import { HistoryStore } from './history-store.js';
import type { HubMessage } from './hub-message.js';
import { registerHubMetrics } from './hub-metrics.js';
import { type HubConfig, hubSchema } from './hub-schema.js';
import { buildHubServer } from './hub-server.js';
import { type MessageUse, MqttIngest } from './mqtt-ingest.js';
import { RoomStore } from './room-store.js';
import { SessionStore } from './session-store.js';

const PRUNE_INTERVAL_MS = 3_600_000;

export interface HubOptions {
  config: HubConfig;
  logger: Logger;
  now?: () => number;
}

export class Hub {
  readonly store = new RoomStore();
  readonly events = new EventStream();
  readonly history: HistoryStore;
  readonly ingest: MqttIngest;
  readonly sessions: SessionStore;
  private readonly desk: CommandDesk;
  private readonly options: HubOptions;
  private readonly now: () => number;
  private app: FastifyInstance | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private metricsServer: MetricsServer | undefined;
  /** The metrics endpoint's URL, when metrics.enabled. */
  metricsUrl: string | undefined;

  constructor(options: HubOptions) {
    const { config, logger } = options;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.history = new HistoryStore(config.history);
    this.sessions = new SessionStore({
      users: config.users,
      sessionMinutes: config.server.sessionMinutes,
      now: this.now,
    });
    this.ingest = new MqttIngest({
      mqtt: config.mqtt,
      logger: logger.child({ module: 'ingest' }),
      onMessage: (message, use) => this.accept(message, use),
      now: this.now,
    });
    this.desk = new CommandDesk({
      publish: (room, device, name, body) => this.ingest.publishCommand(room, device, name, body),
      timeoutMs: config.mqtt.commandTimeoutS * 1000,
      now: this.now,
    });
  }

  /** Starts everything; resolves with the dashboard's URL once it listens. */
  async start(): Promise<{ url: string }> {
    const { config, logger } = this.options;
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
    this.ingest.start();
    this.app = await buildHubServer({
      server: config.server,
      sessions: this.sessions,
      logger,
      health: () => ({ mqtt: this.ingest.stats, streams: this.events.size }),
      settings: () => this.settings(),
      store: this.store,
      history: this.history,
      desk: this.desk,
      events: this.events,
      configuredRooms: [...new Set(config.users.flatMap((u) => u.rooms))],
      now: this.now,
    });
    await this.app.listen({ host: config.server.host, port: config.server.port });
    if (config.metrics.enabled) await this.startMetrics();
    const address = this.app.server.address() as AddressInfo;
    const scheme = config.server.tlsCert ? 'https' : 'http';
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `${scheme}://${host}:${address.port}/`;
    logger.info({ url, broker: config.mqtt.url }, 'hub dashboard listening');
    return { url };
  }

  /** The fastify instance (tests use inject()). */
  get server(): FastifyInstance {
    if (!this.app) throw new Error('the hub is not started');
    return this.app;
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.metricsServer?.close();
    this.desk.close();
    this.events.closeAll();
    await this.app?.close();
    await this.ingest.stop();
    this.history.close();
  }

  /** The effective config for the admin's settings page: secrets masked, no password hashes. */
  private settings(): Record<string, unknown> {
    const { users, ...config } = this.options.config;
    return {
      config: maskSensitive(config, hubSchema),
      users: users.map(({ name, role, rooms }) => ({ name, role, rooms })),
      mqtt: this.ingest.stats,
      streams: this.events.size,
    };
  }

  /** Throws MetricsListenError when the port cannot be bound (a configuration problem). */
  private async startMetrics(): Promise<void> {
    const { config, logger } = this.options;
    const metrics = new MetricSet();
    registerHubMetrics(metrics, {
      ingest: () => this.ingest.stats,
      streams: () => this.events.size,
      eventsSent: () => this.events.sent,
      rooms: () => this.store.roomNames().length,
    });
    this.metricsServer = new MetricsServer({
      metrics,
      host: config.metrics.host,
      port: config.metrics.port,
      logger: logger.child({ module: 'metrics' }),
    });
    this.metricsUrl = await this.metricsServer.start();
  }

  private accept(message: HubMessage, use: MessageUse): void {
    // Live first: a history write that fails (disk full) is logged by the ingest and must not
    // keep the dashboards or a waiting command from seeing the message. With a sharedGroup the
    // two uses arrive as two copies on two connections (src/hub/mqtt-ingest.ts).
    if (use.live) {
      this.store.apply(message);
      this.events.publish(message);
      this.desk.onReply(message);
    }
    if (use.history) this.history.record(message);
  }

  private prune(): void {
    const removed = this.history.prune(this.now());
    if (removed.classSummaries + removed.alerts > 0)
      this.options.logger.info(
        { ...removed, retentionDays: this.options.config.history.retentionDays },
        'history pruned',
      );
  }
}
