// pino to stdout (journald picks it up); readable on a terminal. Modules get child loggers
// (`logger.child({ module: 'capture' })`) so a technician can filter by module.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from '../config/schema.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The daemon's log section, or the hub's (level and format only). */
  log: Pick<Config['log'], 'level' | 'format'>;
  /** Where lines go; stdout by default. `replay --trace` passes stderr so stdout stays JSON lines. */
  destination?: 'stdout' | 'stderr';
  /** Base fields on every line, e.g. { device: 'box-1' }. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  const isTty = fd === 2 ? process.stderr.isTTY : process.stdout.isTTY;
  const pretty =
    options.log.format === 'pretty' || (options.log.format === 'auto' && Boolean(isTty));
  const stream: DestinationStream = pretty
    ? pino.transport({
        target: 'pino-pretty',
        options: { destination: fd, colorize: isTty, translateTime: 'SYS:HH:MM:ss.l' },
      })
    : pino.destination({ fd, sync: true });
  return pino(
    {
      level: options.log.level,
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

/** A logger that discards everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
