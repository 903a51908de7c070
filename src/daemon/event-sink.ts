// Where events go. The MQTT publisher is the real sink; the log sink prints every event as one
// log line ("what would be published") and is what runs when no broker is wanted.
import type { CameraState } from '../capture/frame.js';
import type { Event } from '../events/types.js';
import type { Logger } from '../log/logger.js';

export interface EventSink {
  /** `wallMs`: event time on the wall clock (ms since epoch). */
  publish(event: Event, wallMs: number): void;
  setCamera(state: CameraState, reason?: string): void;
  /** Flush and close; `reason` is reported as the clean-stop reason. */
  stop(reason: string): Promise<void>;
}

/** Logs each event; frame events only at debug level (one per processed frame is noisy). */
export class LogSink implements EventSink {
  constructor(private readonly logger: Logger) {}

  publish(event: Event, wallMs: number): void {
    const level = event.type === 'frame' ? 'debug' : 'info';
    this.logger[level]({ event, wallMs }, `event ${event.type}`);
  }

  setCamera(state: CameraState, reason?: string): void {
    this.logger.info({ camera: state, reason }, 'status');
  }

  async stop(reason: string): Promise<void> {
    this.logger.info({ reason }, 'event sink closed');
  }
}
