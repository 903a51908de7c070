// One piscina pool of inference workers and the models they open. Closing waits until every
// worker has finished opening its sessions: onnxruntime-node opens and warms a session on a native
// thread and calls back into the worker when done, and a worker terminated while such a call is
// pending aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'",
// seen when the daemon stopped ~0.6 s after starting because its metrics port was taken).
import { setTimeout as sleep } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { Logger } from '../../log/logger.js';
import { isSessionsOpen, type RunTask, type WorkerModels, type WorkerReply } from './protocol.js';

export interface WorkerLaneOptions {
  size: number;
  models: Array<[string, Uint8Array]>;
  /** Intra-op threads per session in each worker. */
  threads: number;
  /** The compiled worker module. */
  filename: string;
  logger: Logger;
  /** The longest close() waits for workers still opening their models before ending them. */
  openWaitMs?: number;
}

// Opening every model takes ~0.3 s per worker on a 2-core x86 and a few seconds on a Pi 4; the
// cap only matters for a worker that hangs while opening.
const OPEN_WAIT_MS = 30_000;

/** Counts the workers it had to replace, and the initial ones still opening their models. */
export class WorkerLane {
  readonly pool: Piscina<RunTask, WorkerReply>;
  private created = 0;
  private opening: number;
  private readonly allOpen: Promise<void>;
  private markOpen: () => void = () => {};

  constructor(private readonly options: WorkerLaneOptions) {
    const { size, models, threads, logger } = options;
    const workerData: WorkerModels = {
      models: models.map(([name, bytes]) => ({ name, bytes })),
      threads,
    };
    this.opening = size;
    this.allOpen = new Promise((resolve) => {
      this.markOpen = resolve;
    });
    this.pool = new Piscina<RunTask, WorkerReply>({
      filename: options.filename,
      workerData,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    this.pool.on('workerCreate', () => {
      this.created += 1;
      if (this.created > size)
        logger.warn({ restarts: this.restarts }, 'inference worker restarted');
    });
    this.pool.on('message', (message: unknown) => {
      if (isSessionsOpen(message)) this.settleOne();
    });
    this.pool.on('error', (error: unknown) => {
      // A worker that fails while opening its models will not open them: stop waiting for it.
      this.settleOne();
      logger.error({ err: error }, 'inference worker error');
    });
  }

  get size(): number {
    return this.options.size;
  }

  get restarts(): number {
    return Math.max(0, this.created - this.size);
  }

  /** Waits for runs in flight and for workers still opening their models, then ends them. */
  async close(): Promise<void> {
    const cap = new AbortController();
    const capMs = this.options.openWaitMs ?? OPEN_WAIT_MS;
    const gaveUp = await Promise.race([
      this.allOpen.then(() => false),
      sleep(capMs, true, { signal: cap.signal }),
    ]);
    cap.abort();
    if (gaveUp) {
      this.options.logger.warn(
        { opening: this.opening, waitedMs: capMs },
        'inference workers still opening their models; ending them anyway',
      );
    }
    await this.pool.close();
  }

  private settleOne(): void {
    this.opening -= 1;
    if (this.opening <= 0) this.markOpen();
  }
}
