// `classpulse run`: load config, load models, wire capture → perception → publisher, run until
// stopped, exit with a documented code.
import { SourceUnavailableError } from '../capture/frame-source.js';
import { ConfigError, formatIssue } from '../config/issues.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { BrokerTap } from '../daemon/broker-tap.js';
import { Daemon } from '../daemon/daemon.js';
import { DaemonCommands } from '../daemon/daemon-commands.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { Shutdown } from '../daemon/shutdown.js';
import { StatsReporter } from '../daemon/stats-reporter.js';
import { buildPerception, isStartupConfigError, openModels } from '../daemon/wiring.js';
import { createLogger, type Logger } from '../log/logger.js';
import { OpsRuntime } from '../ops/ops-runtime.js';
import { MqttPublisher } from '../publish/mqtt-publisher.js';
import { reportConfigError } from './config-command.js';

/** Sections a reload cannot apply to a running daemon. */
const RESTART_SECTIONS = [
  'device',
  'models',
  'mqtt',
  'privacy',
  'identity',
  'health',
  'log',
] as const;

export async function runCommand(file: string | undefined): Promise<ExitCodeValue> {
  let config: Config;
  let used: string | undefined;
  try {
    ({ config, file: used } = loadConfig({ file }));
  } catch (error) {
    return reportConfigError(error);
  }
  const logger = createLogger({ log: config.log, base: { device: config.device.id } });
  const shutdown = new Shutdown(logger);
  shutdown.installSignalHandlers();
  logger.info(
    {
      config: used ?? 'defaults + environment',
      camera: config.camera.source,
      mqtt: config.mqtt.url,
    },
    'classpulse starting',
  );

  const models = openModels(config);
  let perception: Awaited<ReturnType<typeof buildPerception>>;
  try {
    perception = await buildPerception(config, logger, models);
  } catch (error) {
    shutdown.removeSignalHandlers();
    if (isStartupConfigError(error)) {
      logger.fatal({ err: error }, error.message);
      process.stderr.write(`classpulse: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  }

  let daemon: Daemon | undefined;
  const commands = new DaemonCommands({
    daemon: () => daemon,
    reload: () => reload(file, config, logger, models, () => daemon),
  });
  const publisher = new MqttPublisher({
    mqtt: config.mqtt,
    privacy: config.privacy,
    device: config.device,
    logger,
    commands,
  });
  await publisher.start();
  const tap = publisher.embeddedUrl
    ? new BrokerTap({
        url: publisher.embeddedUrl,
        baseTopic: config.mqtt.baseTopic,
        logger: logger.child({ module: 'demo-tap' }),
      })
    : undefined;
  await tap?.start();

  let ops: OpsRuntime | undefined;
  daemon = new Daemon({
    config,
    logger,
    sink: publisher,
    processor: perception,
    admit: () => ops?.adaptation.admit() ?? true,
    onProcessed: (totalMs) => {
      if (ops) perception.adapt(ops.frameProcessed(totalMs));
    },
  });
  const running = daemon;
  ops = new OpsRuntime({
    config,
    logger,
    sources: {
      frames: () => running.stats,
      capture: () => running.captureStats(),
      publisher: () => publisher.stats(),
    },
    lastProgressMs: () => running.stats.lastProgressMs,
    expectingFrames: () => running.capturing && running.captureStats().state !== 'lost',
    publishHealth: (health) =>
      publisher.publishHealth(health as unknown as Record<string, unknown>),
  });
  await ops.start();
  const opsRef = ops;
  shutdown.signal.addEventListener('abort', () => opsRef.stopping('signal'), { once: true });
  const reporter = new StatsReporter({
    intervalS: config.log.statsIntervalS,
    logger: logger.child({ module: 'stats' }),
    daemon,
  });
  reporter.start();
  let code: ExitCodeValue = ExitCode.ok;
  let reason = 'stopped';
  try {
    const cause = await daemon.run(shutdown.signal);
    reason =
      cause === 'end-of-input'
        ? 'end of input'
        : String(shutdown.signal.reason?.message ?? 'signal');
  } catch (error) {
    if (error instanceof SourceUnavailableError) {
      logger.error(
        { camera: config.camera.source, reason: error.message },
        'cannot open the video input',
      );
      code = ExitCode.noInput;
      reason = `input unavailable: ${error.message}`;
    } else {
      logger.fatal({ err: error }, 'internal error');
      code = ExitCode.software;
      reason = `internal error: ${(error as Error).message}`;
    }
  } finally {
    reporter.stop();
    reporter.report('final');
    await ops.stop(reason);
    await publisher.stop(reason);
    await tap?.stop();
    await models.close();
    shutdown.removeSignalHandlers();
  }
  logger.info({ reason, code }, 'classpulse stopped');
  return code;
}

/** The reload command: validate the file again, apply what can change while running. */
async function reload(
  file: string | undefined,
  current: Config,
  logger: Logger,
  models: ReturnType<typeof openModels>,
  daemon: () => Daemon | undefined,
): Promise<void> {
  let next: Config;
  try {
    next = loadConfig({ file }).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new Error(`config not reloaded: ${error.issues.map(formatIssue).join('; ')}`);
    }
    throw error;
  }
  const needRestart = RESTART_SECTIONS.filter(
    (section) => JSON.stringify(next[section]) !== JSON.stringify(current[section]),
  );
  const running = daemon();
  if (!running) throw new Error('the daemon is still starting');
  const perception = await buildPerception({ ...next, models: current.models }, logger, models);
  running.reconfigure(
    { ...next, ...Object.fromEntries(needRestart.map((s) => [s, current[s]])) },
    perception,
  );
  logger.info(
    { needRestart },
    'config reloaded: camera, detection, tracking, blink, headTurn and expression applied',
  );
  if (needRestart.length > 0) {
    throw new Error(`applied camera/perception settings; ${needRestart.join(', ')} need a restart`);
  }
}
