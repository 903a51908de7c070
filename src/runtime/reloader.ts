// The reload command: read the config file again and apply what can change while running.
// Camera settings reopen the source; perception sections build one new Perception that replaces the
// old one in the daemon (the only live one, adapted from then on); the rest is reported as needing
// a restart, with ok: true, because everything that could be applied was.
import { ConfigError, formatIssue } from '../config/issues.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Logger } from '../log/logger.js';
import type { ReloadResult } from '../publish/commands.js';

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
/** Sections that shape perception: a change builds a new Perception (new trackers). */
const PERCEPTION_SECTIONS = ['detection', 'tracking', 'blink', 'headTurn', 'expression'] as const;
const LIVE_SECTIONS = ['camera', ...PERCEPTION_SECTIONS] as const;

export interface ReloaderOptions {
  /** The file the daemon started from (undefined: defaults + environment). */
  file: string | undefined;
  config: Config;
  logger: Logger;
  daemon: Daemon;
  /** Builds a Perception for a config on the daemon's open models (Runtime.buildPerception). */
  buildPerception: (config: Config) => Promise<Parameters<Daemon['reconfigure']>[1]>;
}

export class Reloader {
  private current: Config;

  constructor(private readonly options: ReloaderOptions) {
    this.current = options.config;
  }

  async reload(): Promise<ReloadResult> {
    const { file, logger, daemon } = this.options;
    let next: Config;
    try {
      next = loadConfig({ file }).config;
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new Error(`config not reloaded: ${error.issues.map(formatIssue).join('; ')}`);
      }
      throw error;
    }
    const differs = (section: keyof Config) =>
      JSON.stringify(next[section]) !== JSON.stringify(this.current[section]);
    const needRestart = RESTART_SECTIONS.filter(differs);
    const applied = LIVE_SECTIONS.filter(differs);
    // Restart-only sections keep their running values; the rest is the new file.
    const effective: Config = {
      ...next,
      ...Object.fromEntries(RESTART_SECTIONS.map((s) => [s, this.current[s]])),
    };
    if (applied.length > 0) {
      const perception = PERCEPTION_SECTIONS.some(differs)
        ? await this.options.buildPerception(effective)
        : daemon.processor;
      daemon.reconfigure(effective, perception);
    }
    this.current = effective;
    const result: ReloadResult = {
      status: needRestart.length > 0 ? 'restart-needed' : 'applied',
      applied: [...applied],
      needRestart: [...needRestart],
    };
    logger.info(result, 'config reloaded');
    return result;
  }
}
