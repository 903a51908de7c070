// One simulated classroom box: its own MQTT connection (the daemon's will and retained status),
// the daemon's topics and payload builders, its state policy and alert gate, so the stream has the
// daemon's shape and rates: students/<id> on material change (at most every stateMinIntervalS,
// at least every heartbeatS), the class summary every classIntervalS, alerts through the cool-down,
// retained health every health.intervalS. Every QoS1 message carries the box's next `seq`; `tMs` is
// the wall clock at publish. Ticked by the fleet, never by a timer of its own.
import mqtt, { type MqttClient } from 'mqtt';
import type { Config } from '../../src/config/schema.js';
import type { Health } from '../../src/ops/health-types.js';
import { type Payload, PayloadBuilder } from '../../src/publish/payloads.js';
import { AlertGate, StatePolicy } from '../../src/publish/state-policy.js';
import { defaultBaseTopic, TopicMap } from '../../src/publish/topics.js';
import { ClassModel, prng } from './class-model.js';

export interface BoxRates {
  mqtt: Pick<
    Config['mqtt'],
    'stateMinIntervalS' | 'heartbeatS' | 'classIntervalS' | 'alertCooldownS'
  >;
  healthIntervalS: number;
}

export interface SimulatedBoxOptions {
  url: string;
  room: string;
  device: string;
  students: number;
  seed: number;
  rates: BoxRates;
  /** Test hook: this seq number is skipped once, as if the message carrying it were lost. */
  skipSeq?: number;
}

export interface BoxCounters {
  published: number;
  bytes: number;
  /** The last seq handed to the client (what a subscriber must have seen, once drained). */
  lastSeq: number;
  errors: number;
}

export class SimulatedBox {
  readonly device: string;
  readonly counters: BoxCounters = { published: 0, bytes: 0, lastSeq: 0, errors: 0 };
  private readonly options: SimulatedBoxOptions;
  private readonly topics: TopicMap;
  private readonly payloads: PayloadBuilder;
  private readonly model: ClassModel;
  private readonly states: StatePolicy;
  private readonly alerts: AlertGate;
  private client: MqttClient | undefined;
  private lastTickMs = 0;
  private lastClassMs = 0;
  private lastHealthMs = 0;
  private readonly startedMs = Date.now();
  private skipped = false;
  /**
   * When, after connecting, each student is first reported: the box's camera opens at a random
   * point of the first state interval (boxes in a school do not start in step) and its tracks start
   * over the next 2 s, as faces are detected one pass after another.
   */
  private readonly appearAfterMs: number[];
  private readonly startAfterMs: number;
  private connectedMs = Number.POSITIVE_INFINITY;

  constructor(options: SimulatedBoxOptions) {
    this.options = options;
    this.device = options.device;
    this.topics = new TopicMap({ baseTopic: defaultBaseTopic(options.room, options.device) });
    this.payloads = new PayloadBuilder({ deviceId: options.device });
    this.model = new ClassModel({ students: options.students, seed: options.seed });
    const { mqtt: m } = options.rates;
    this.states = new StatePolicy({
      minIntervalMs: m.stateMinIntervalS * 1000,
      heartbeatMs: m.heartbeatS * 1000,
    });
    this.alerts = new AlertGate({ cooldownMs: m.alertCooldownS * 1000 });
    const random = prng(options.seed * 7919);
    this.startAfterMs = random() * m.stateMinIntervalS * 1000;
    this.appearAfterMs = this.model.students.map(() => this.startAfterMs + random() * 2000);
  }

  get baseTopic(): string {
    return this.topics.base;
  }

  async connect(): Promise<void> {
    const will = this.payloads.status(Date.now(), {
      online: false,
      camera: 'open',
      reason: 'connection lost',
    });
    this.client = await mqtt.connectAsync(this.options.url, {
      clientId: `classpulse-${this.device}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 1000,
      will: {
        topic: this.topics.status,
        payload: Buffer.from(JSON.stringify(will)),
        qos: 1,
        retain: true,
      },
    });
    this.client.on('error', () => {
      this.counters.errors += 1;
    });
    const now = Date.now();
    this.send(
      this.topics.status,
      this.payloads.status(now, { online: true, camera: 'open' }),
      true,
    );
    this.connectedMs = now;
    this.lastTickMs = now;
    this.lastClassMs = now + this.startAfterMs;
    this.sendHealth(now);
  }

  /** One publisher tick: advance the class, send what the policies say is due. */
  tick(nowMs: number): void {
    const { alerts } = this.model.step(nowMs - this.lastTickMs);
    this.lastTickMs = nowMs;
    const sinceMs = nowMs - this.connectedMs;
    this.model.students.forEach(({ id, signals }, i) => {
      // A student's first offer is sent at once (a new track), later ones when the policy says.
      if (sinceMs >= (this.appearAfterMs[i] ?? 0) && this.states.offer(id, signals, nowMs))
        this.sendState(id, nowMs);
    });
    for (const due of this.states.due(nowMs)) this.sendState(due.student, nowMs);
    for (const { student, alert, reason } of alerts)
      if (this.alerts.allow(alert, student, nowMs))
        this.send(this.topics.alerts, this.payloads.alert(Date.now(), alert, reason, student));
    const { classIntervalS } = this.options.rates.mqtt;
    if (sinceMs >= this.startAfterMs && nowMs - this.lastClassMs >= classIntervalS * 1000) {
      this.lastClassMs = nowMs;
      this.send(
        this.topics.classSummary,
        this.payloads.classSummary(Date.now(), this.model.summary()),
      );
    }
    if (nowMs - this.lastHealthMs >= this.options.rates.healthIntervalS * 1000)
      this.sendHealth(nowMs);
  }

  /** The clean stop: retained offline status (with seq), then disconnect. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.send(
      this.topics.status,
      this.payloads.status(Date.now(), {
        online: false,
        camera: 'stopped',
        reason: 'fleet stopped',
      }),
      true,
    );
    await client.endAsync();
  }

  private sendState(student: string, nowMs: number): void {
    const slot = this.model.students.find((s) => s.id === student);
    if (!slot) return;
    this.send(
      this.topics.student(student),
      this.payloads.student(Math.max(nowMs, Date.now()), student, slot.signals, true),
    );
  }

  /** QoS1 with the next seq (the daemon's queue adds it the same way). */
  private send(topic: string, payload: Payload, retain = false): void {
    let seq = this.counters.lastSeq + 1;
    if (!this.skipped && seq === this.options.skipSeq) {
      this.skipped = true;
      seq += 1;
    }
    this.counters.lastSeq = seq;
    this.write(topic, JSON.stringify({ ...payload, tMs: Date.now(), seq }), 1, retain);
  }

  private write(topic: string, body: string, qos: 0 | 1, retain: boolean): void {
    this.counters.published += 1;
    this.counters.bytes += topic.length + body.length;
    this.client?.publish(topic, body, { qos, retain }, (error) => {
      if (error) this.counters.errors += 1;
    });
  }

  /** Retained QoS0 without seq, shaped like the daemon's (docs/operations.md §4). */
  private sendHealth(nowMs: number): void {
    this.lastHealthMs = nowMs;
    this.write(
      this.topics.health,
      JSON.stringify(this.payloads.health(Date.now(), healthOf(this, nowMs))),
      0,
      true,
    );
  }

  /** Seconds since this box connected. */
  uptimeS(nowMs: number): number {
    return Math.round((nowMs - this.startedMs) / 1000);
  }

  get faces(): number {
    return this.model.students.length;
  }
}

function healthOf(box: SimulatedBox, nowMs: number): Health {
  const uptimeS = box.uptimeS(nowMs);
  const latency = (p50: number) => ({ p50, p95: Math.round(p50 * 1.6 * 10) / 10 });
  return {
    uptimeS,
    systemUptimeS: uptimeS + 3600,
    frames: {
      camera: 'open',
      width: 1280,
      height: 720,
      inFps: 10,
      processedFps: 6.2,
      droppedFps: 3.8,
      delivered: uptimeS * 10,
      processed: Math.round(uptimeS * 6.2),
      skippedBudget: Math.round(uptimeS * 3.8),
      droppedStale: 0,
      gatedAdaptation: 0,
      reopens: 0,
    },
    latencyMs: {
      detect: latency(48),
      mesh: latency(61),
      iris: latency(22),
      expression: latency(9),
      total: latency(140),
    },
    tracks: box.faces,
    eventLoopMs: { p50: 10.1, p99: 14.2, max: 22.5 },
    inference: { workers: 5, restarts: 0, failedRuns: 0, queued: 0, droppedFrames: 0 },
    publish: { connected: true, queueDepth: 0, queueDropped: 0, sent: box.counters.lastSeq },
    cpu: { load1: 3.1, load5: 3, load15: 2.9, cores: 4, tempC: 61.5 },
    memory: { totalMb: 3794, availableMb: 2650, rssMb: 742, heapUsedMb: 96 },
    disk: { path: '/var/lib/classpulse', totalMb: 29_000, freeMb: 21_000, freePct: 72 },
    adaptation: {
      level: 0,
      step: 'full',
      expressionIntervalScale: 1,
      detectionIntervalScale: 1,
      fpsScale: 1,
    },
  };
}
