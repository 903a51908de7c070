// `classpulse run`: load config, build the runtime (src/runtime/runtime.ts), run until stopped,
// exit with a documented code.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { Shutdown } from '../daemon/shutdown.js';
import { createLogger } from '../log/logger.js';
import { Runtime } from '../runtime/runtime.js';
import { isStartupConfigError } from '../runtime/wiring.js';
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
  try {
    const runtime = await Runtime.start({ config, file, logger, signal: shutdown.signal });
    return await runtime.run();
  } catch (error) {
    if (isStartupConfigError(error)) {
      logger.fatal({ err: error }, error.message);
      process.stderr.write(`classpulse: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  } finally {
    shutdown.removeSignalHandlers();
  }
}
