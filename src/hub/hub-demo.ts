// `classpulse hub demo`: the whole chain on one machine without installing anything else — an
// embedded broker (aedes, MQTT 3.1.1), the daemon on the bundled clip (config/demo.yaml, looped)
// as a child process, and the hub with one teacher whose password is made up for this run.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { PACKAGE_ROOT } from '../config/load.js';
import { EmbeddedBroker } from '../publish/embedded-broker.js';
import { Hub } from './hub.js';
import { loadHubConfig } from './hub-config.js';
import { hashPassword } from './password-hash.js';

const DEMO_DIR = join(PACKAGE_ROOT, 'var', 'demo-hub');
const DEMO_ROOM = 'demo-room';
const DEMO_USER = 'teacher';

export interface HubDemoOptions {
  port: number;
  logger: Logger;
  signal: AbortSignal;
}

export class HubDemo {
  private readonly options: HubDemoOptions;
  private readonly broker = new EmbeddedBroker();
  private daemon: ChildProcess | undefined;
  private hub: Hub | undefined;

  constructor(options: HubDemoOptions) {
    this.options = options;
  }

  /** Runs until the signal aborts or the daemon exits; returns the daemon's exit code. */
  async run(): Promise<number> {
    const { url: brokerUrl } = await this.broker.start();
    try {
      const password = randomBytes(6).toString('base64url');
      const config = loadHubConfig(await this.writeConfig(brokerUrl, password));
      this.hub = new Hub({ config, logger: this.options.logger });
      const { url } = await this.hub.start();
      this.daemon = this.startDaemon(brokerUrl);
      const exited = new Promise<number>((resolve) =>
        this.daemon?.once('exit', (code) => resolve(code ?? 1)),
      );
      process.stdout.write(
        [
          '',
          `  classpulse demo: the daemon plays the bundled clip into ${brokerUrl} (embedded broker)`,
          `  dashboard:  ${url}`,
          `  log in as:  ${DEMO_USER} / ${password}   (room ${DEMO_ROOM}; a new password every run)`,
          '  Ctrl-C stops the daemon, the hub and the broker.',
          '',
          '',
        ].join('\n'),
      );
      const stopped = new Promise<number>((resolve) =>
        this.options.signal.addEventListener('abort', () => resolve(0), { once: true }),
      );
      return await Promise.race([exited, stopped]);
    } finally {
      await this.stop();
    }
  }

  private async writeConfig(brokerUrl: string, password: string): Promise<string> {
    mkdirSync(DEMO_DIR, { recursive: true });
    const file = join(DEMO_DIR, 'hub.yaml');
    const yaml = [
      'server:',
      `  port: ${this.options.port}`,
      'mqtt:',
      `  url: ${brokerUrl}`,
      '  protocolVersion: 4',
      "  username: ''",
      'history:',
      `  file: ${join(DEMO_DIR, 'history.sqlite')}`,
      'users:',
      `  ${DEMO_USER}:`,
      '    role: teacher',
      `    rooms: [${DEMO_ROOM}]`,
      `    passwordHash: ${await hashPassword(password)}`,
      '',
    ];
    writeFileSync(file, yaml.join('\n'), { mode: 0o600 });
    return file;
  }

  /** The daemon on config/demo.yaml, pointed at our broker, looping the clip, quiet on stdout. */
  private startDaemon(brokerUrl: string): ChildProcess {
    const env = {
      ...process.env,
      CLASSPULSE_MQTT_URL: brokerUrl,
      CLASSPULSE_MQTT_PROTOCOL_VERSION: '4',
      CLASSPULSE_CAMERA_ON_END: 'loop',
      CLASSPULSE_LOG_LEVEL: 'warn',
    };
    return spawn(
      process.execPath,
      [join(PACKAGE_ROOT, 'bin', 'classpulse'), 'run', '--config', 'config/demo.yaml'],
      { cwd: PACKAGE_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }

  private async stop(): Promise<void> {
    const daemon = this.daemon;
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
    await this.hub?.stop();
    await this.broker.stop();
  }
}
