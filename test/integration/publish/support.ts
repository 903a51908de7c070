// Shared pieces of the publish integration tests: a config built by the real loader, a persistent
// recording subscriber, and the contract validator over docs/schemas.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/schema.js';
import type { CommandHandler, ReloadResult } from '../../../src/publish/commands.js';
import { MqttPublisher, type MqttPublisherOptions } from '../../../src/publish/mqtt-publisher.js';

const SCHEMA_DIR = resolve(import.meta.dirname, '../../../docs/schemas');

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `classpulse-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Config through the real loader (defaults + CLASSPULSE_* variables), as the daemon gets it. */
export function testConfig(env: Record<string, string | number | boolean>): Config {
  const vars: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) vars[key] = String(value);
  return loadConfig({ file: '/dev/null', env: vars }).config;
}

/** The publisher a daemon would build from `config`, logging nothing unless `extra` says. */
export function testPublisher(
  config: Config,
  extra: Partial<Pick<MqttPublisherOptions, 'logger' | 'commands'>> = {},
): MqttPublisher {
  return new MqttPublisher({
    mqtt: config.mqtt,
    privacy: config.privacy,
    device: config.device,
    logger: pino({ level: 'silent' }),
    ...extra,
  });
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  properties?: { correlationData?: Buffer };
}

/** A persistent (MQTT 5, clean start off) subscriber that records everything under a filter. */
export class Recorder {
  readonly messages: Received[] = [];
  readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      this.messages.push({
        topic,
        payload,
        retain: packet.retain,
        ...(packet.properties ? { properties: packet.properties } : {}),
      });
    });
  }

  /** `extra`: credentials or TLS files for a broker that wants them. */
  static async connect(
    url: string,
    filter: string,
    clientId: string,
    extra: IClientOptions = {},
  ): Promise<Recorder> {
    const client = connect(url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 200,
      ...extra,
    });
    const recorder = new Recorder(client);
    await new Promise<void>((resolveConnect, reject) => {
      client.once('connect', () => resolveConnect());
      client.once('error', reject);
    });
    await client.subscribeAsync(filter, { qos: 1 });
    return recorder;
  }

  json(topicEnd: string): Array<Record<string, unknown>> {
    return this.messages
      .filter((m) => m.topic.endsWith(topicEnd))
      .map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>);
  }

  /** Distinct seqs of everything received. */
  seqs(): Set<number> {
    const out = new Set<number>();
    for (const m of this.messages) {
      const seq = (JSON.parse(m.payload.toString()) as { seq?: unknown }).seq;
      if (typeof seq === 'number') out.add(seq);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Validates every published payload against the schema its topic is documented with. */
export class Contract {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const ajv = new Ajv({ strict: true, allErrors: true });
    for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object;
      this.validators.set(file.replace(/\.json$/, ''), ajv.compile(schema));
    }
  }

  schemaFor(base: string, topic: string): string | undefined {
    const rest = topic.startsWith(`${base}/`) ? topic.slice(base.length + 1) : topic;
    if (rest === 'status') return 'status';
    if (rest === 'health') return 'health';
    if (rest === 'alerts') return 'alert';
    if (rest === 'class') return 'class';
    if (/^students\/[^/]+$/.test(rest)) return 'student-state';
    if (/^cmd\/[^/]+\/reply$/.test(rest)) return 'command-reply';
    if (/^cmd\/[^/]+$/.test(rest)) return 'command-request';
    return undefined;
  }

  /** Problems with a message, or [] when it matches its schema. */
  check(base: string, topic: string, payload: Buffer): string[] {
    const name = this.schemaFor(base, topic);
    if (!name) return [`${topic}: no schema documents this topic`];
    const validate = this.validators.get(name);
    if (!validate) return [`${name}.json is missing`];
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return [`${topic}: not JSON`];
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${topic}: ${e.instancePath} ${e.message}`);
  }
}

export { signals } from '../../helpers/signals.js';

/** Env for testConfig: a device publishing to `url` with its state under `stateDir`. */
export function deviceEnv(
  url: string,
  stateDir: string,
  extra: Record<string, string | number> = {},
) {
  return {
    CLASSPULSE_DEVICE_ID: 'box-test',
    CLASSPULSE_DEVICE_ROOM: 'lab',
    CLASSPULSE_DEVICE_STATE_DIR: stateDir,
    CLASSPULSE_MQTT_URL: url,
    CLASSPULSE_MQTT_RECONNECT_MIN_MS: 100,
    CLASSPULSE_MQTT_RECONNECT_MAX_MS: 400,
    CLASSPULSE_MQTT_QUEUE_FSYNC_MS: 200,
    ...extra,
  };
}

/** The camera is hardware: the handler records the commands that reach it instead of opening one. */
export class FakeDaemon implements CommandHandler {
  readonly calls: string[] = [];
  private readonly options: { reloadError?: string; snapshotPath?: string };

  /** `reloadError`: reload throws it; `snapshotPath`: what snapshot returns. */
  constructor(options: { reloadError?: string; snapshotPath?: string } = {}) {
    this.options = options;
  }
  async start() {
    this.calls.push('start');
  }
  async stop() {
    this.calls.push('stop');
  }
  async reset() {
    this.calls.push('reset');
  }
  async reload(): Promise<ReloadResult> {
    this.calls.push('reload');
    if (this.options.reloadError) throw new Error(this.options.reloadError);
    return { status: 'applied', applied: [], needRestart: [] };
  }
  async snapshot() {
    this.calls.push('snapshot');
    return { path: this.options.snapshotPath ?? '/tmp/snapshot.jpg' };
  }
  async status() {
    this.calls.push('status');
    return { camera: 'open', fps: 9.7 };
  }
}
