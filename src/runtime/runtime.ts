// The composition root of `classpulse run`: builds every part from one validated config in
// dependency order — models → perception (pipeline + trackers + identity) → publisher → frame
// control (throttle probe, adaptation) → daemon → ops → commands and reload — with no late-bound
// closures, runs the daemon until the shutdown signal, and takes it all down in reverse order.
import { SourceUnavailableError } from '../capture/frame-source.js';
import type { Config } from '../config/schema.js';
import { BrokerTap } from '../daemon/broker-tap.js';
import { Daemon } from '../daemon/daemon.js';
import { DaemonCommands } from '../daemon/daemon-commands.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { StatsReporter } from '../daemon/stats-reporter.js';
import type { Logger } from '../log/logger.js';
import { MetricSet } from '../metrics/metric-set.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import { buildFrameControl, OpsRuntime } from '../ops/ops-runtime.js';
import type { InferencePool } from '../pipeline/inference/inference-pool.js';
import type { ModelStore } from '../pipeline/model-store.js';
import { MqttPublisher } from '../publish/mqtt-publisher.js';
import { registerDaemonMetrics, stageLatencyObserver } from './daemon-metrics.js';
import { Reloader } from './reloader.js';
import { buildPerception, openInferencePool, openModels } from './wiring.js';

export interface RuntimeOptions {
  config: Config;
  /** The config file, read again by reload (undefined: defaults + environment). */
  file: string | undefined;
  logger: Logger;
  /** The process's one shutdown signal. */
  signal: AbortSignal;
}

export class Runtime {
  private readonly options: RuntimeOptions;

  private constructor(
    options: RuntimeOptions,
    private readonly parts: {
      pool: InferencePool;
      publisher: MqttPublisher;
      tap: BrokerTap | undefined;
      daemon: Daemon;
      ops: OpsRuntime;
      reporter: StatsReporter;
      metricsServer: MetricsServer | undefined;
    },
  ) {
    this.options = options;
  }

  /**
   * Builds and starts everything but the frame loop. Throws the startup configuration errors
   * (bad model files, gallery, pseudonym key: isStartupConfigError) with nothing left open.
   */
  static async start(options: RuntimeOptions): Promise<Runtime> {
    const { config, logger } = options;
    const models = openModels(config);
    // Opt-in; listening first, so a port in use stops the start before workers or a camera start.
    const metrics = config.metrics.enabled ? new MetricSet() : undefined;
    const metricsServer = metrics
      ? new MetricsServer({
          metrics,
          host: config.metrics.host,
          port: config.metrics.port,
          logger: logger.child({ module: 'metrics' }),
        })
      : undefined;
    await metricsServer?.start();
    const pool = openInferencePool(config, models, logger);
    const publisher = new MqttPublisher({
      mqtt: config.mqtt,
      privacy: config.privacy,
      device: config.device,
      logger,
    });
    try {
      return await Runtime.assemble(options, { models, pool, publisher, metrics, metricsServer });
    } catch (error) {
      // Worker threads, a broker connection or a listening socket would keep the process alive.
      await publisher.stop('start failed');
      await pool.close();
      await metricsServer?.close();
      throw error;
    }
  }

  private static async assemble(
    options: RuntimeOptions,
    parts: {
      models: ModelStore;
      pool: InferencePool;
      publisher: MqttPublisher;
      metrics: MetricSet | undefined;
      metricsServer: MetricsServer | undefined;
    },
  ): Promise<Runtime> {
    const { config, logger, file, signal } = options;
    const { models, pool, publisher, metrics, metricsServer } = parts;
    const perception = await buildPerception(config, logger, models, pool);
    const { thermal, adaptation } = buildFrameControl({ config, logger });
    const daemon = new Daemon({
      config,
      logger,
      sink: publisher,
      processor: perception,
      gate: adaptation,
      ...(metrics ? { frameObserver: stageLatencyObserver(metrics) } : {}),
    });
    const sources = {
      frames: () => daemon.stats,
      capture: () => daemon.captureStats(),
      publisher: () => publisher.stats(),
      inference: () => pool.stats(),
    };
    if (metrics)
      registerDaemonMetrics(metrics, { ...sources, gatedFrames: () => adaptation.gatedFrames });
    const ops = new OpsRuntime({
      config,
      logger,
      thermal,
      adaptation,
      sources,
      firstFrame: daemon.stats.firstFrame,
      lastProgressMs: () => daemon.stats.lastProgressMs,
      expectingFrames: () => daemon.capturing && daemon.captureStats().state !== 'lost',
      publishHealth: (health) =>
        publisher.publishHealth(health as unknown as Record<string, unknown>),
    });
    const reloader = new Reloader({
      file,
      config,
      logger,
      daemon,
      buildPerception: (next) => buildPerception(next, logger, models, pool),
    });
    await publisher.start(new DaemonCommands({ daemon, reloader }));
    const tap = publisher.embeddedUrl
      ? new BrokerTap({
          url: publisher.embeddedUrl,
          baseTopic: config.mqtt.baseTopic,
          logger: logger.child({ module: 'demo-tap' }),
        })
      : undefined;
    await tap?.start();
    await ops.start();
    signal.addEventListener('abort', () => ops.stopping('signal'), { once: true });
    const reporter = new StatsReporter({
      intervalS: config.log.statsIntervalS,
      logger: logger.child({ module: 'stats' }),
      daemon,
      inference: () => pool.stats(),
    });
    reporter.start();
    return new Runtime(options, { pool, publisher, tap, daemon, ops, reporter, metricsServer });
  }

  /** The frame loop until shutdown or the end of a file; then everything stops, in reverse. */
  async run(): Promise<ExitCodeValue> {
    const { config, logger, signal } = this.options;
    const { daemon, reporter, ops, publisher, tap, pool, metricsServer } = this.parts;
    let code: ExitCodeValue = ExitCode.ok;
    let reason = 'stopped';
    try {
      const cause = await daemon.run(signal);
      reason =
        cause === 'end-of-input' ? 'end of input' : String(signal.reason?.message ?? 'signal');
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
      await pool.close();
      await metricsServer?.close();
    }
    logger.info({ reason, code }, 'classpulse stopped');
    return code;
  }
}
