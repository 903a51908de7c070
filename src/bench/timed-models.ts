// A SessionSource that hands out the real sessions with `run` timed, so the bench can split a
// frame's time into model calls and everything else (pre/post-processing, JS, tracking).
import { inputArray, type ModelSession, type SessionSource } from '../pipeline/models.js';

export class TimedModels implements SessionSource {
  /** Milliseconds spent inside `session.run` since the last `take()`. */
  private modelMs = 0;
  private readonly sessions = new Map<string, Promise<ModelSession>>();

  constructor(private readonly inner: SessionSource) {}

  get parallelism(): number {
    return this.inner.parallelism ?? 1;
  }

  inputArray(length: number): Float32Array {
    return inputArray(this.inner, length);
  }

  session(name: string): Promise<ModelSession> {
    let pending = this.sessions.get(name);
    if (!pending) {
      pending = this.inner.session(name).then((session) => this.timed(session));
      this.sessions.set(name, pending);
    }
    return pending;
  }

  /** Model time accumulated since the previous call, and reset. */
  take(): number {
    const ms = this.modelMs;
    this.modelMs = 0;
    return ms;
  }

  private timed(session: ModelSession): ModelSession {
    const add = (ms: number) => {
      this.modelMs += ms;
    };
    return new Proxy(session, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === 'run' && typeof value === 'function') {
          return async (...args: unknown[]) => {
            const t0 = performance.now();
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            } finally {
              add(performance.now() - t0);
            }
          };
        }
        // Getters and methods of the native session need the real object as `this`.
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
