// What the operator's MQTT commands do to the running daemon. The publisher validates requests
// and replies; this only acts. Every method either does the thing or throws a clear error.
import type { CommandHandler, ReloadResult } from '../publish/commands.js';
import type { Daemon } from './daemon.js';

export interface DaemonCommandsOptions {
  daemon: Daemon;
  /** Re-reads the config file and applies it; throws with the config problems when invalid. */
  reloader: { reload(): Promise<ReloadResult> };
}

export class DaemonCommands implements CommandHandler {
  constructor(private readonly options: DaemonCommandsOptions) {}

  async start(): Promise<void> {
    this.options.daemon.startCapture();
  }

  async stop(): Promise<void> {
    this.options.daemon.stopCapture();
  }

  async reset(): Promise<void> {
    this.options.daemon.resetCounters();
  }

  reload(): Promise<ReloadResult> {
    return this.options.reloader.reload();
  }

  async snapshot(): Promise<{ path: string }> {
    return { path: await this.options.daemon.requestSnapshot() };
  }

  async status(): Promise<Record<string, unknown>> {
    const { daemon } = this.options;
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
