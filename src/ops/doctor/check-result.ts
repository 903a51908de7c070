// One row of `classpulse doctor`, and the timeout every check runs under.
type CheckStatus = 'ok' | 'warn' | 'FAIL';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
}

class CheckTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${(ms / 1000).toFixed(1)} s`);
    this.name = 'CheckTimeoutError';
  }
}

/** Rejects with a CheckTimeoutError naming `what` when `work` takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
