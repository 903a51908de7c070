// What the operator's MQTT commands do to the running daemon. The publisher validates requests
// and replies; this only acts. Every method either does the thing or throws a clear error.
import type { CommandHandler } from '../publish/commands.js';
import type { Daemon } from './daemon.js';

export interface DaemonCommandsOptions {
  /** The daemon is created after the publisher that delivers commands: looked up per command. */
  daemon: () => Daemon | undefined;
  /** Re-reads the config file and applies it; throws with the config problems when invalid. */
  reload: () => Promise<void>;
}

export class DaemonCommands implements CommandHandler {
  constructor(private readonly options: DaemonCommandsOptions) {}

  private get daemon(): Daemon {
    const daemon = this.options.daemon();
    if (!daemon) throw new Error('the daemon is still starting');
    return daemon;
  }

  async start(): Promise<void> {
    this.daemon.startCapture();
  }

  async stop(): Promise<void> {
    this.daemon.stopCapture();
  }

  async reset(): Promise<void> {
    this.daemon.resetCounters();
  }

  reload(): Promise<void> {
    return this.options.reload();
  }

  async snapshot(): Promise<{ path: string }> {
    return { path: await this.daemon.requestSnapshot() };
  }

  async status(): Promise<Record<string, unknown>> {
    const daemon = this.daemon;
    const capture = daemon.captureStats();
    return {
      capturing: daemon.capturing,
      camera: capture.state,
      frames: {
        delivered: capture.delivered,
        processed: daemon.stats.processed,
        skippedBudget: capture.skippedBudget,
        droppedStale: capture.droppedStale,
      },
      faces: daemon.stats.lastFaces,
    };
  }
}
