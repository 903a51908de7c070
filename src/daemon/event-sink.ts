// Where events go: the MQTT publisher (run) or the trace sink (replay).
import type { CameraState } from '../capture/frame.js';
import type { Event } from '../events/types.js';

export interface EventSink {
  /** `wallMs`: event time on the wall clock (ms since epoch). */
  publish(event: Event, wallMs: number): void;
  setCamera(state: CameraState, reason?: string): void;
  /** Flush and close; `reason` is reported as the clean-stop reason. */
  stop(reason: string): Promise<void>;
}
