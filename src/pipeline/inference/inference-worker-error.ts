// Kept apart from the pool (no native imports) so the daemon can recognise it cheaply.

/** A model run that failed because its worker died or could not start: drop the frame. */
export class InferenceWorkerError extends Error {
  constructor(model: string, cause: unknown) {
    super(`inference worker failed running ${model}: ${(cause as Error)?.message ?? cause}`);
    this.name = 'InferenceWorkerError';
  }
}
