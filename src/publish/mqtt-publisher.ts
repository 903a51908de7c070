// The daemon's one MQTT client. Events go in (`publish`), compact JSON comes out on the topics of
// docs/mqtt.md. QoS1 messages go through the disk queue (seq, zero loss); health is QoS0 retained,
// latest value only. The broker may be away for hours: nothing here blocks or throws on that.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { packageVersion } from '../config/load.js';
import type { ClassSummary, Event, EventOf, StudentSignals } from '../events/types.js';
import { CommandChannel } from './command-channel.js';
import { type CommandHandler, CommandRouter } from './commands.js';
import { DiskQueue } from './disk-queue.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { type DiscoveryMessage, discoveryMessages } from './home-assistant.js';
import { MqttLink } from './mqtt-link.js';
import { Outbox } from './outbox.js';
import { type CameraState, type Payload, PayloadBuilder } from './payloads.js';
import { PrivacyGuard } from './privacy-guard.js';
import { AlertGate, StatePolicy } from './state-policy.js';
import { TopicMap, topicLevel } from './topics.js';
import type { MqttPublisherOptions, PublisherStats } from './types.js';

export type { MqttPublisherOptions, PublisherStats } from './types.js';

const TICK_MS = 500;
const COMMAND_TIMEOUT_MS = 15_000;
const STOP_FLUSH_MS = 3000;

/** The final `present: false` of an erased student's old id carries no value of theirs. */
const ERASED_SIGNALS: StudentSignals = {
  eyesMeasurable: false,
  blinks: null,
  blinkRatePerMin: null,
  perclos: null,
  eyesClosedMs: null,
  turns: 0,
  turnsInWindow: 0,
  yawDeg: 0,
  pitchDeg: 0,
  rollDeg: 0,
  expression: 'neutral',
  expressionConfidence: 0,
  tired: false,
  lookingAround: false,
  turnedAway: false,
};

export class MqttPublisher {
  private readonly options: MqttPublisherOptions;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly topics: TopicMap;
  private readonly payloads: PayloadBuilder;
  private readonly guard: PrivacyGuard;
  private readonly queue: DiskQueue;
  private readonly outbox: Outbox;
  private readonly states: StatePolicy;
  private readonly alerts: AlertGate;
  private readonly commands: CommandChannel;
  private readonly router: CommandRouter;
  /** Home Assistant discovery configs (empty unless mqtt.homeAssistant.enabled). */
  private readonly discovery: DiscoveryMessage[];
  private link: MqttLink | undefined;
  private broker: EmbeddedBroker | undefined;
  private brokerUrl: string | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private camera: CameraState = 'opening';
  private latestClass: ClassSummary | undefined;
  private lastClassMs = 0;
  private latestHealth: Payload | undefined;
  private stopping = false;

  constructor(options: MqttPublisherOptions) {
    this.options = options;
    this.logger = options.logger.child({ module: 'publish' });
    this.now = options.now ?? Date.now;
    this.topics = new TopicMap({ baseTopic: options.mqtt.baseTopic });
    this.payloads = new PayloadBuilder({ deviceId: options.device.id });
    this.guard = new PrivacyGuard({ maxPayloadBytes: options.privacy.maxPayloadBytes });
    this.queue = new DiskQueue({
      dir: join(options.device.stateDir, 'mqtt'),
      maxMessages: options.mqtt.queueMaxMessages,
      fsyncMs: options.mqtt.queueFsyncMs,
      logger: this.logger,
    });
    this.outbox = new Outbox({
      queue: this.queue,
      guard: this.guard,
      logger: this.logger,
      onQueued: () => this.link?.pump(),
    });
    this.states = new StatePolicy({
      minIntervalMs: options.mqtt.stateMinIntervalS * 1000,
      heartbeatMs: options.mqtt.heartbeatS * 1000,
    });
    this.alerts = new AlertGate({ cooldownMs: options.mqtt.alertCooldownS * 1000 });
    const ha = options.mqtt.homeAssistant;
    this.discovery = ha.enabled
      ? discoveryMessages({
          device: options.device,
          discoveryPrefix: ha.discoveryPrefix,
          topics: this.topics,
          version: packageVersion(),
          classIntervalS: options.mqtt.classIntervalS,
        })
      : [];
    this.router = new CommandRouter({
      handler: options.commands,
      snapshotsAllowed: options.privacy.snapshots,
      timeoutMs: COMMAND_TIMEOUT_MS,
      extraStatus: () => ({ mqtt: { ...this.stats() } }),
      onReset: () => this.states.clear(),
      maxAgeMs: options.mqtt.commandMaxAgeS * 1000,
      now: this.now,
    });
    this.commands = new CommandChannel({
      router: this.router,
      topics: this.topics,
      payloads: this.payloads,
      outbox: this.outbox,
      now: this.now,
      logger: this.logger,
    });
  }

  /**
   * Opens the queue and starts connecting in the background; resolves without waiting for it.
   * `commands`: the daemon's handler, when it was built after this publisher (its event sink).
   */
  async start(commands?: CommandHandler): Promise<void> {
    if (commands) this.router.serve(commands);
    this.queue.open();
    const { mqtt } = this.options;
    let url = mqtt.url;
    let protocolVersion = mqtt.protocolVersion;
    if (url === 'embedded') {
      this.broker = new EmbeddedBroker();
      url = (await this.broker.start()).url;
      this.brokerUrl = url;
      protocolVersion = 4; // aedes speaks MQTT 3.1.1 only
      this.logger.info({ url }, 'embedded demo broker listening');
    }
    const will = this.payloads.status(this.now(), {
      online: false,
      camera: this.camera,
      reason: 'connection lost',
    });
    this.link = new MqttLink({
      mqtt,
      url,
      protocolVersion,
      will: { topic: this.topics.status, payload: JSON.stringify(will) },
      queue: this.queue,
      guard: this.guard,
      onRefused: (topic, reason) => this.outbox.refuse(topic, reason),
      logger: this.logger,
      subscriptions: [this.topics.commandFilter],
      onConnect: () => this.onConnect(),
      onMessage: (topic, body, properties) => this.commands.receive(topic, body, properties),
    });
    try {
      this.link.start();
    } catch (error) {
      // Config errors (unreadable TLS files) surface here; leave nothing open behind them.
      this.queue.close();
      await this.broker?.stop();
      throw error;
    }
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  /** With mqtt.url 'embedded': where local viewers can subscribe (127.0.0.1, a free port). */
  get embeddedUrl(): string | undefined {
    return this.brokerUrl;
  }

  publish(event: Event, wallMs: number): void {
    if (!this.link) throw new Error('MqttPublisher.publish() called before start()');
    if (this.stopping) return; // shutdown races: events after stop() have nowhere to go
    switch (event.type) {
      case 'state':
        if (this.states.offer(event.track, event.signals, wallMs))
          this.sendState(event.track, event.signals, wallMs, true);
        return;
      case 'alert':
        if (!this.alerts.allow(event.alert, event.track, wallMs)) return;
        this.outbox.put(
          'alert',
          this.topics.alerts,
          this.payloads.alert(
            wallMs,
            event.alert,
            event.reason,
            event.track === undefined ? undefined : topicLevel(event.track),
          ),
        );
        return;
      case 'class':
        // Kept and sent on the class interval: the trackers may summarise every frame.
        this.latestClass = event.summary;
        return;
      case 'status':
        this.setCamera(event.camera, event.reason);
        return;
      case 'track':
        if (event.change === 'expired') this.endStudent(event.track, wallMs);
        return;
      case 'identity':
        this.changeId(event, wallMs);
        return;
      case 'frame':
      case 'blink':
      case 'turn':
        // Not messages of their own: counts travel in students/<id>, per-frame data stays local.
        return;
    }
  }

  /** Retained, QoS0, latest value only: a stale health report is worth nothing after an outage. */
  publishHealth(health: Record<string, unknown>): void {
    if (this.stopping) return;
    const payload = this.payloads.health(this.now(), health);
    const verdict = this.guard.check(payload);
    if (!verdict.ok) {
      this.outbox.refuse(this.topics.health, verdict.reason);
      return;
    }
    this.latestHealth = payload;
    this.sendHealth();
  }

  setCamera(state: CameraState, reason?: string): void {
    this.camera = state;
    if (state !== 'open' && state !== 'opening') {
      // Without a camera nothing is observed: no stale class summaries or student heartbeats.
      this.latestClass = undefined;
      this.states.clear();
    }
    this.enqueueStatus(true, reason);
  }

  stats(): PublisherStats {
    const q = this.queue.stats();
    return {
      connected: this.link?.connected ?? false,
      queueDepth: q.depth,
      inflight: q.inflight,
      sent: this.link?.sent ?? 0,
      droppedState: q.droppedState,
      rejected: q.rejected,
      refused: this.outbox.refused,
      journalErrors: this.outbox.journalErrors,
      suppressedAlerts: this.alerts.suppressed,
      lastSeq: q.lastSeq,
      connects: this.link?.connects ?? 0,
    };
  }

  /** Publishes the retained offline status, waits briefly for the queue to drain, and closes. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.link) {
      this.enqueueStatus(false, reason);
      await this.link.stop(STOP_FLUSH_MS);
    }
    this.queue.close();
    this.logger.info({ reason, ...this.stats() }, 'publisher stopped');
    await this.broker?.stop();
  }

  private onConnect(): void {
    // Birth message on every (re)connect: the broker may have published our will meanwhile.
    this.enqueueStatus(true);
    this.sendHealth();
    this.sendDiscovery();
  }

  private tick(): void {
    const nowMs = this.now();
    for (const { student, signals, present } of this.states.due(nowMs)) {
      if (!present) this.alerts.forget(student);
      this.sendState(student, signals, nowMs, present);
    }
    const classMs = this.options.mqtt.classIntervalS * 1000;
    if (this.latestClass && nowMs - this.lastClassMs >= classMs) {
      this.lastClassMs = nowMs;
      this.outbox.put(
        'state',
        this.topics.classSummary,
        this.payloads.classSummary(nowMs, this.latestClass),
      );
    }
  }

  /** The id is gone for good: one final `present: false` (when it was reported), then silence. */
  private endStudent(
    student: string,
    wallMs: number,
    final?: StudentSignals,
  ): StudentSignals | undefined {
    const last = this.states.remove(student);
    this.alerts.forget(student);
    if (last) this.sendState(student, final ?? last, wallMs, false);
    return last;
  }

  /**
   * A track's published id changed. The old id ends now. A recognised or unrecognised track goes
   * on at once under its new id with the same signals; an erased student's last message repeats
   * none of their values (the trackers start them afresh and report the new id themselves).
   */
  private changeId(event: EventOf<'identity'>, wallMs: number): void {
    const erased = event.reason === 'erased';
    const last = this.endStudent(event.from, wallMs, erased ? ERASED_SIGNALS : undefined);
    if (last && !erased && this.states.offer(event.to, last, wallMs))
      this.sendState(event.to, last, wallMs, true);
  }

  private sendState(student: string, signals: StudentSignals, wallMs: number, present: boolean) {
    const id = topicLevel(student);
    this.outbox.put(
      'state',
      this.topics.student(id),
      this.payloads.student(wallMs, id, signals, present),
    );
  }

  private enqueueStatus(online: boolean, reason?: string): void {
    // Before start() the birth message will carry the camera state; after stop() it is too late.
    if (!this.link || this.queue.closed) return;
    const payload = this.payloads.status(this.now(), {
      online,
      camera: this.camera,
      ...(reason ? { reason } : {}),
      queueDropped: this.queue.stats().droppedState,
    });
    this.outbox.put('control', this.topics.status, payload, true);
  }

  /**
   * Retained discovery configs on every (re)connect, QoS1 but outside the seq queue: Home
   * Assistant's config schema has no `seq`, and a config lost with a connection is sent again
   * with the next one.
   */
  private sendDiscovery(): void {
    for (const { topic, payload } of this.discovery)
      this.link?.publishVolatile(topic, JSON.stringify(payload), true, 1);
  }

  private sendHealth(): void {
    if (this.latestHealth)
      this.link?.publishVolatile(this.topics.health, JSON.stringify(this.latestHealth), true);
  }
}
