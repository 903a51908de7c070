// Field operations in one object for the daemon's wiring: systemd readiness and watchdog, health
// telemetry with a STATUS= line, throttle monitoring. The adaptation ladder and the throttle probe
// are built before the daemon (the daemon's frame gate is the adaptation) and handed in here with
// functions that read the daemon's counters (ops imports nothing from the daemon). Hooks: start(),
// stopping(reason) when the shutdown signal arrives, and stop(reason) on the way out; readiness
// follows the first processed frame by itself.
import { modelNames } from '../config/formats.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { Adaptation } from './adaptation.js';
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
  /** The adaptation the daemon gates frames with (buildFrameControl). */
  adaptation: Adaptation;
  thermal: ThermalProbe;
  /** daemon.stats.firstFrame: the service is ready once a frame went all the way through. */
  firstFrame: Promise<void>;
  /** daemon.stats.lastProgressMs */
  lastProgressMs: () => number;
  /** False while no frames are expected: capture stopped by command, or the camera reopening. */
  expectingFrames: () => boolean;
  /** publisher.publishHealth */
  publishHealth?: (health: Health) => void;
  /** process.env: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
  env?: NodeJS.ProcessEnv;
  systemdNotify?: string;
}

export interface FrameControlOptions {
  config: Pick<Config, 'health' | 'camera'>;
  logger: Logger;
  /** Stand-ins for tests: sysfs root and helper binary. */
  sysRoot?: string;
  vcgencmd?: string;
}

/** The throttle probe and the adaptation ladder fed by it: built before the daemon they gate. */
export function buildFrameControl(options: FrameControlOptions): {
  thermal: ThermalProbe;
  adaptation: Adaptation;
} {
  const logger = options.logger.child({ module: 'ops' });
  const thermal = new ThermalProbe({
    logger,
    ...(options.sysRoot ? { sysRoot: options.sysRoot } : {}),
    ...(options.vcgencmd ? { vcgencmd: options.vcgencmd } : {}),
  });
  const adaptation = new Adaptation({
    camera: options.config.camera,
    health: options.config.health,
    logger,
    throttled: () => thermal.throttledNow(),
  });
  return { thermal, adaptation };
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
    this.thermal = options.thermal;
    this.adaptation = options.adaptation;
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
    void this.options.firstFrame.then(() => this.becomeReady());
  }

  private becomeReady(): void {
    if (this.stoppingSent) return;
    this.notifier.ready('first frame processed');
    this.watchdog?.start();
    this.logger.info(
      { watchdog: this.watchdog !== undefined, notify: this.notifier.enabled },
      'ready',
    );
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
