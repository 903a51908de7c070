// Field operations in one object for the daemon's wiring: systemd readiness and watchdog, health
// telemetry with a STATUS= line, throttle monitoring and the adaptation ladder. The daemon hands in
// functions that read its counters (ops imports nothing from the daemon) and calls four hooks:
// start(), adaptation.admit() before / frameProcessed(totalMs) after every processed frame,
// stopping(reason) when the shutdown signal arrives, and stop(reason) on the way out.
import { modelNames } from '../config/formats.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { Adaptation } from './adaptation.js';
import type { AdaptationState } from './adaptation-ladder.js';
import { HealthMonitor, healthStatusLine } from './health-monitor.js';
import type { Health, HealthSources } from './health-types.js';
import { modelVersions, modelVersionTable, readManifest } from './model-versions.js';
import { SdNotifier, watchdogIntervalMs } from './sd-notifier.js';
import { ThermalProbe } from './thermal-probe.js';
import { Watchdog } from './watchdog.js';

export interface OpsRuntimeOptions {
  config: Pick<Config, 'health' | 'camera' | 'device' | 'models'>;
  logger: Logger;
  sources: Omit<HealthSources, 'adaptation' | 'gatedFrames' | 'models'>;
  /** daemon.stats.lastProgressMs */
  lastProgressMs: () => number;
  /** False while no frames are expected: capture stopped by command, or the camera reopening. */
  expectingFrames: () => boolean;
  /** publisher.publishHealth */
  publishHealth?: (health: Health) => void;
  /** process.env: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
  env?: NodeJS.ProcessEnv;
  /** Stand-ins for tests: sysfs root and helper binaries. */
  sysRoot?: string;
  systemdNotify?: string;
  vcgencmd?: string;
}

export class OpsRuntime {
  readonly notifier: SdNotifier;
  readonly adaptation: Adaptation;
  readonly thermal: ThermalProbe;
  readonly health: HealthMonitor;
  private readonly options: OpsRuntimeOptions;
  private readonly logger: Logger;
  private readonly watchdog: Watchdog | undefined;
  private models: string[] = [];
  private ready = false;
  private stoppingSent = false;

  constructor(options: OpsRuntimeOptions) {
    const { config } = options;
    const env = options.env ?? process.env;
    this.options = options;
    this.logger = options.logger.child({ module: 'ops' });
    this.notifier = new SdNotifier({
      logger: this.logger,
      socket: env.NOTIFY_SOCKET,
      ...(options.systemdNotify ? { command: options.systemdNotify } : {}),
    });
    this.thermal = new ThermalProbe({
      logger: this.logger,
      ...(options.sysRoot ? { sysRoot: options.sysRoot } : {}),
      ...(options.vcgencmd ? { vcgencmd: options.vcgencmd } : {}),
    });
    this.adaptation = new Adaptation({
      camera: config.camera,
      health: config.health,
      logger: this.logger,
      throttled: () => this.thermal.throttledNow(),
    });
    this.health = new HealthMonitor({
      health: config.health,
      stateDir: config.device.stateDir,
      logger: this.logger,
      thermal: this.thermal,
      sources: {
        ...options.sources,
        adaptation: () => this.adaptation.state(),
        gatedFrames: () => this.adaptation.gatedFrames,
        models: () => this.models,
      },
    });
    const intervalMs = watchdogIntervalMs(env);
    this.watchdog =
      intervalMs === undefined || !this.notifier.enabled
        ? undefined
        : new Watchdog({
            target: this.notifier,
            intervalMs,
            stallMs: config.health.watchdogStallMs,
            lastProgressMs: options.lastProgressMs,
            expectingFrames: options.expectingFrames,
            logger: this.logger,
          });
  }

  /** Before the frame loop: read model versions, start throttle polling and health telemetry. */
  async start(): Promise<void> {
    const { config } = this.options;
    try {
      const manifest = await readManifest(config.models.dir);
      const float = new Set(modelNames(config.models.floatModels));
      this.models = modelVersionTable(
        modelVersions(manifest, (name) => (float.has(name) ? 'fp32' : config.models.precision)),
      );
    } catch (error) {
      // The pipeline refuses bad models itself (exit 78); health just goes without versions.
      this.logger.warn({ err: error }, 'model versions unavailable for health');
    }
    this.thermal.start();
    this.health.start((health) => {
      this.options.publishHealth?.(health);
      this.notifier.status(healthStatusLine(health));
    });
    this.notifier.status('loading models, waiting for the first frame');
  }

  /**
   * After every processed frame (total ms through the pipeline). The first one makes the service
   * ready. Returns the knobs for the next frames; call adaptation.admit() before processing one.
   */
  frameProcessed(totalMs: number): AdaptationState {
    if (!this.ready) {
      this.ready = true;
      this.notifier.ready('first frame processed');
      this.watchdog?.start();
      this.logger.info(
        { watchdog: this.watchdog !== undefined, notify: this.notifier.enabled },
        'ready',
      );
    }
    return this.adaptation.observe(totalMs);
  }

  /** Tell systemd right away that we are stopping (call on SIGTERM, before flushing). */
  stopping(reason: string): void {
    if (this.stoppingSent) return;
    this.stoppingSent = true;
    this.notifier.stopping(`stopping: ${reason}`);
    this.watchdog?.stop();
  }

  /** Stop the timers and wait for the last message to systemd to go out. */
  async stop(reason: string): Promise<void> {
    this.stopping(reason);
    this.health.stop();
    this.thermal.stop();
    await this.notifier.flush();
  }
}
