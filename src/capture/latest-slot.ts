// A one-place mailbox between a producer that must never wait (the camera) and a consumer that
// may be slow (the pipeline): the newest value wins, the one it replaces is counted as dropped.
// Nothing ever queues, so a slow pipeline costs freshness, never memory.

export class LatestSlot<T> {
  private value: T | undefined;
  private waiter: ((value: T | undefined) => void) | undefined;
  private closed = false;
  /** Values replaced before anyone took them. */
  dropped = 0;

  constructor(private readonly onDrop?: (value: T) => void) {}

  put(value: T): void {
    if (this.closed) {
      this.onDrop?.(value);
      return;
    }
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(value);
      return;
    }
    if (this.value !== undefined) {
      this.dropped++;
      this.onDrop?.(this.value);
    }
    this.value = value;
  }

  /** Resolves with the newest value, or undefined once closed (or aborted) and empty. */
  take(signal?: AbortSignal): Promise<T | undefined> {
    if (this.value !== undefined) {
      const value = this.value;
      this.value = undefined;
      return Promise.resolve(value);
    }
    if (this.closed || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiter = undefined;
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
    });
  }

  /** No more values: a pending or later take() resolves with what is left, then undefined. */
  close(): void {
    this.closed = true;
    if (this.waiter && this.value === undefined) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(undefined);
    }
  }
}
