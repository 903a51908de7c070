// `classpulse replay <video> [--config FILE] [--fps N] [--trace]`: the daemon's perception over a
// file as fast as it goes, events as JSON lines on stdout (docs/replay-trace.md).
import { SourceUnavailableError } from '../capture/frame-source.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Daemon } from '../daemon/daemon.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { Shutdown } from '../daemon/shutdown.js';
import { TraceSink } from '../daemon/trace-sink.js';
import { createLogger } from '../log/logger.js';
import {
  buildPerception,
  isStartupConfigError,
  openInferencePool,
  openModels,
} from '../runtime/wiring.js';
import { reportConfigError } from './config-command.js';

export interface ReplayArgs {
  video: string;
  config?: string | undefined;
  /** Frame budget in media time; undefined = every frame. */
  fps?: number | undefined;
  trace: boolean;
  /** Stop before this media time (ms): held-out parts of a clip are never decoded. */
  untilMs?: number;
}

export async function replayCommand(args: ReplayArgs): Promise<ExitCodeValue> {
  let config: Config;
  try {
    const loaded = loadConfig({ file: args.config }).config;
    config = {
      ...loaded,
      camera: {
        ...loaded.camera,
        source: args.video,
        realtime: false,
        onEnd: 'stop',
        fps: args.fps ?? loaded.camera.fps,
      },
    };
  } catch (error) {
    return reportConfigError(error);
  }
  // stdout belongs to the trace: every log line goes to stderr.
  const logger = createLogger({ log: config.log, destination: 'stderr' });
  const shutdown = new Shutdown(logger);
  shutdown.installSignalHandlers();
  const models = openModels(config);
  const sink = new TraceSink(args.trace);
  let pool: ReturnType<typeof openInferencePool> | undefined;
  try {
    pool = openInferencePool(config, models, logger);
    const processor = await buildPerception(config, logger, models, pool);
    const daemon = new Daemon({
      config,
      logger,
      sink,
      processor,
      paced: false,
      budget: args.fps !== undefined,
      ...(args.untilMs === undefined ? {} : { stopAtMs: args.untilMs }),
    });
    const started = performance.now();
    await daemon.run(shutdown.signal);
    const wallS = (performance.now() - started) / 1000;
    logger.info(
      {
        frames: sink.summary.frames,
        mediaS: Math.round(sink.summary.lastMs) / 1000,
        wallS: Math.round(wallS * 100) / 100,
        latencyMs: daemon.stats.latency(),
      },
      'replay finished',
    );
    return ExitCode.ok;
  } catch (error) {
    if (isStartupConfigError(error)) {
      process.stderr.write(`classpulse: ${error.message}\n`);
      return ExitCode.config;
    }
    if (error instanceof SourceUnavailableError) {
      process.stderr.write(`classpulse: cannot open ${args.video}: ${error.message}\n`);
      return ExitCode.noInput;
    }
    throw error;
  } finally {
    await sink.stop();
    await pool?.close();
    await models.close();
    shutdown.removeSignalHandlers();
  }
}
