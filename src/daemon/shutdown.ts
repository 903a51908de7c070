// One AbortController for the whole process. The first SIGTERM/SIGINT aborts it: capture stops,
// in-flight work finishes, queues are flushed, and the process exits 0 by itself. A second signal
// means "now": exit at once. There is deliberately no timer that exits on its own.
import type { Logger } from '../log/logger.js';
import { ExitCode } from './exit-codes.js';

export class Shutdown {
  private readonly controller = new AbortController();
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly logger: Logger) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop for a reason that is not a signal (end of file, fatal error). */
  request(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
  }

  installSignalHandlers(): void {
    for (const name of ['SIGTERM', 'SIGINT'] as const) {
      const handler = () => {
        if (!this.controller.signal.aborted) {
          this.logger.info({ signal: name }, 'stopping: finishing in-flight work');
          this.controller.abort(new Error(name));
          return;
        }
        this.logger.warn({ signal: name }, 'second signal: exiting now');
        process.exit(name === 'SIGINT' ? ExitCode.forcedInt : ExitCode.forcedTerm);
      };
      this.handlers.set(name, handler);
      process.on(name, handler);
    }
  }

  removeSignalHandlers(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler);
    this.handlers.clear();
  }
}
