// `classpulse hub` (the school hub: dashboard over MQTT) and `classpulse hub passwd USER`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { Shutdown } from '../daemon/shutdown.js';
import { Hub } from '../hub/hub.js';
import { DEFAULT_HUB_CONFIG_PATH, loadHubConfig } from '../hub/hub-config.js';
import { HubDemo } from '../hub/hub-demo.js';
import type { HubConfig } from '../hub/hub-schema.js';
import { hashPassword } from '../hub/password-hash.js';
import { createLogger } from '../log/logger.js';
import { MetricsListenError } from '../metrics/metrics-server.js';
import { MqttConfigError } from '../publish/client-options.js';
import { reportConfigError } from './config-command.js';
import { readPassword } from './password-prompt.js';

export async function hubCommand(file: string | undefined): Promise<ExitCodeValue> {
  const path = file ?? DEFAULT_HUB_CONFIG_PATH;
  if (!existsSync(path)) {
    process.stderr.write(
      `classpulse: no hub config at ${path}: copy config/hub.example.yaml there (or pass ` +
        '--config FILE) and add users with `classpulse hub passwd USER --config FILE`\n',
    );
    return ExitCode.config;
  }
  let config: HubConfig;
  try {
    config = loadHubConfig(path);
  } catch (error) {
    return reportConfigError(error);
  }
  const logger = createLogger({ log: config.log, base: { service: 'hub' } });
  if (config.users.length === 0)
    logger.warn({ config: path }, 'no users configured: nobody can log in (classpulse hub passwd)');
  const shutdown = new Shutdown(logger);
  shutdown.installSignalHandlers();
  const hub = new Hub({ config, logger });
  try {
    const { url } = await hub.start();
    process.stdout.write(`classpulse hub: dashboard at ${url}\n`);
    await new Promise((resolve) => shutdown.signal.addEventListener('abort', resolve));
    return ExitCode.ok;
  } catch (error) {
    const failure = startFailure(error, config.server.port);
    logger.fatal({ err: error }, failure.message);
    process.stderr.write(`classpulse: ${failure.message}\n`);
    return failure.code;
  } finally {
    await hub.stop();
    shutdown.removeSignalHandlers();
  }
}

/** `classpulse hub check [FILE]`: validates the hub config; 0 when valid, 78 naming every problem. */
export function hubCheckCommand(file: string | undefined): ExitCodeValue {
  const path = file ?? DEFAULT_HUB_CONFIG_PATH;
  try {
    const config = loadHubConfig(path);
    process.stdout.write(`hub config OK: ${path} (${config.users.length} user(s))\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportConfigError(error);
  }
}

/** `classpulse hub demo`: embedded broker + daemon on the bundled clip + hub (src/hub/hub-demo.ts). */
export async function hubDemoCommand(port: number): Promise<ExitCodeValue> {
  const logger = createLogger({ log: { level: 'warn', format: 'auto' }, base: { service: 'hub' } });
  const shutdown = new Shutdown(logger);
  shutdown.installSignalHandlers();
  try {
    const code = await new HubDemo({ port, logger, signal: shutdown.signal }).run();
    return code === 0 ? ExitCode.ok : ExitCode.failure;
  } catch (error) {
    const failure = startFailure(error, port);
    process.stderr.write(
      `classpulse: ${failure.message}${port === 8080 ? ' (--port N picks another)' : ''}\n`,
    );
    return failure.code;
  } finally {
    shutdown.removeSignalHandlers();
  }
}

/**
 * Why the hub could not start, in words: bad broker TLS files or a metrics port that cannot be
 * bound are configuration problems (78, as for the daemon); a dashboard port in use may free up
 * (1, systemd retries). Anything else is a bug.
 */
function startFailure(error: unknown, port: number): { message: string; code: ExitCodeValue } {
  if (error instanceof MqttConfigError || error instanceof MetricsListenError)
    return { message: error.message, code: ExitCode.config };
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
    return { message: `port ${port} is already in use (server.port)`, code: ExitCode.failure };
  throw error;
}

/**
 * Asks for a password (twice on a terminal, without echo; once from a pipe) and prints the user's
 * entry for the hub config, or with --config writes the hash into that file (role and rooms of an
 * existing user are kept; a new user is a teacher without rooms until rooms are added).
 */
export async function hubPasswdCommand(
  user: string,
  file: string | undefined,
): Promise<ExitCodeValue> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user)) {
    process.stderr.write(`classpulse: invalid user name "${user}" (1-64 of A-Z a-z 0-9 . _ @ -)\n`);
    return ExitCode.usage;
  }
  const password = await readPassword(`password for ${user}: `);
  if (password === undefined) return ExitCode.usage;
  if (password.length < 8) {
    process.stderr.write('classpulse: the password must have at least 8 characters\n');
    return ExitCode.usage;
  }
  const hash = await hashPassword(password);
  if (file === undefined) {
    process.stdout.write(
      `users:\n  ${user}:\n    role: teacher\n    rooms: []\n    passwordHash: ${hash}\n`,
    );
    return ExitCode.ok;
  }
  const doc = parseDocument(existsSync(file) ? readFileSync(file, 'utf8') : '');
  if (doc.errors.length > 0) {
    process.stderr.write(`classpulse: ${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}\n`);
    return ExitCode.config;
  }
  if (!isMap(doc.getIn(['users', user]))) {
    doc.setIn(['users', user, 'role'], 'teacher');
    doc.setIn(['users', user, 'rooms'], doc.createNode([], { flow: true }));
  }
  doc.setIn(['users', user, 'passwordHash'], hash);
  // A new file gets 0600; an existing one keeps its mode (the hub service's group may read it).
  writeFileSync(file, doc.toString(), { mode: 0o600 });
  process.stdout.write(`classpulse: wrote the password hash of ${user} to ${file}\n`);
  return ExitCode.ok;
}
