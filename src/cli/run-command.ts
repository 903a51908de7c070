// `classpulse run`: load config, wire the daemon, run until stopped, exit with a documented code.
import { SourceUnavailableError } from '../capture/frame-source.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Daemon } from '../daemon/daemon.js';
import { LogSink } from '../daemon/event-sink.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { Shutdown } from '../daemon/shutdown.js';
import { StatsReporter } from '../daemon/stats-reporter.js';
import { createLogger } from '../log/logger.js';
import { reportConfigError } from './config-command.js';

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

  const sink = new LogSink(logger.child({ module: 'events' }));
  const daemon = new Daemon({ config, logger, sink });
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
    await sink.stop(reason);
    shutdown.removeSignalHandlers();
  }
  logger.info({ reason, code }, 'classpulse stopped');
  return code;
}
