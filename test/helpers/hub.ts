// A hub for tests: its config written as a YAML file and loaded by the real loader (users with
// real scrypt hashes), a history file in a temp dir, and every log line kept for assertions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Hub } from '../../src/hub/hub.js';
import { loadHubConfig } from '../../src/hub/hub-config.js';
import type { HubConfig } from '../../src/hub/hub-schema.js';
import { hashPassword } from '../../src/hub/password-hash.js';

export const PASSWORDS = {
  teacher: 'lab-teacher-pw',
  other: 'other-teacher-pw',
  admin: 'admin-pw-123',
};

export interface TestHubOptions {
  brokerUrl: string;
  protocolVersion?: 4 | 5;
  /** Extra YAML lines for the server section. */
  server?: string[];
  commandTimeoutS?: number;
  retentionDays?: number;
  /** Serve the hub's Prometheus metrics on this port. */
  metricsPort?: number;
  /** mqtt.sharedGroup (several hubs sharing the history). */
  sharedGroup?: string;
  /** history.file; default history.sqlite in the hub's own temp dir. */
  historyFile?: string;
  /** Broker credentials; default anonymous. */
  credentials?: { username: string; password: string };
  now?: () => number;
}

/** Users: `teacher` (room lab), `other` (room music), `admin`. */
export async function hubConfigYaml(dir: string, options: TestHubOptions): Promise<string> {
  const file = join(dir, 'hub.yaml');
  const lines = [
    'server:',
    '  port: 0',
    ...(options.server ?? []).map((l) => `  ${l}`),
    'mqtt:',
    `  url: ${options.brokerUrl}`,
    `  username: '${options.credentials?.username ?? ''}'`,
    ...(options.credentials ? [`  password: '${options.credentials.password}'`] : []),
    `  clientId: hub-${Math.random().toString(36).slice(2, 10)}`,
    `  protocolVersion: ${options.protocolVersion ?? 5}`,
    `  commandTimeoutS: ${options.commandTimeoutS ?? 20}`,
    ...(options.sharedGroup ? [`  sharedGroup: ${options.sharedGroup}`] : []),
    'history:',
    `  file: ${options.historyFile ?? join(dir, 'history.sqlite')}`,
    `  retentionDays: ${options.retentionDays ?? 120}`,
    ...(options.metricsPort
      ? ['metrics:', '  enabled: true', `  port: ${options.metricsPort}`]
      : []),
    'log:',
    '  format: json',
    'users:',
    '  teacher:',
    '    role: teacher',
    '    rooms: [lab]',
    `    passwordHash: ${await hashPassword(PASSWORDS.teacher)}`,
    '  other:',
    '    role: teacher',
    '    rooms: [music]',
    `    passwordHash: ${await hashPassword(PASSWORDS.other)}`,
    '  admin:',
    '    role: admin',
    `    passwordHash: ${await hashPassword(PASSWORDS.admin)}`,
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

export class TestHub {
  readonly logs: Array<Record<string, unknown>> = [];
  readonly hub: Hub;
  readonly config: HubConfig;
  readonly dir: string;
  url = '';

  private constructor(dir: string, config: HubConfig, now?: () => number) {
    this.dir = dir;
    this.config = config;
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => this.logs.push(JSON.parse(line) as Record<string, unknown>) },
    );
    this.hub = new Hub({ config, logger, ...(now ? { now } : {}) });
  }

  static async start(options: TestHubOptions): Promise<TestHub> {
    const dir = mkdtempSync(join(tmpdir(), 'classpulse-hub-'));
    const config = loadHubConfig(await hubConfigYaml(dir, options));
    const test = new TestHub(dir, config, options.now);
    ({ url: test.url } = await test.hub.start());
    await test.hub.ingest.subscribed;
    return test;
  }

  logged(message: string): Array<Record<string, unknown>> {
    return this.logs.filter((l) => l.msg === message);
  }

  async stop(): Promise<void> {
    await this.hub.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
