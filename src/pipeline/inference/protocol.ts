// Messages between the inference pool and its workers: plain data (structured clone), float32
// tensors as dims + data so their buffers can be moved across threads.

export interface TensorData {
  dims: number[];
  data: Float32Array;
}

/** workerData: every model the pipeline uses, as bytes already checked against the manifest. */
export interface WorkerModels {
  models: Array<{ name: string; bytes: Uint8Array }>;
  /** Intra-op threads per session (models.threads). */
  threads: number;
}

export type RunTask =
  | { kind: 'run'; model: string; feeds: Record<string, TensorData> }
  | { kind: 'describe'; model: string };

interface InputMetadata {
  name: string;
  isTensor: boolean;
  shape?: Array<number | string>;
}

export type WorkerReply =
  | {
      kind: 'run';
      outputs: Record<string, TensorData>;
      /** The feeds' buffers, moved back for the next run (input-buffers.ts). */
      inputs: ArrayBuffer[];
    }
  | {
      kind: 'describe';
      inputNames: string[];
      outputNames: string[];
      inputMetadata: InputMetadata[];
    };

/** Posted by a worker on its parent port once every model's session is open and warmed. */
export interface SessionsOpen {
  classpulseSessionsOpen: true;
}

export function isSessionsOpen(message: unknown): message is SessionsOpen {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as Partial<SessionsOpen>).classpulseSessionsOpen === true
  );
}
