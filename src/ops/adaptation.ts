// The daemon's handle on the adaptation ladder: feeds it each processed frame with the current
// throttle flag, logs every level change, and gates frames for the fps step.
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import {
  type AdaptationKnobs,
  AdaptationLadder,
  type AdaptationLadderOptions,
  type AdaptationState,
} from './adaptation-ladder.js';
import { FrameGate } from './frame-gate.js';

export interface AdaptationOptions {
  camera: Pick<Config['camera'], 'fps'>;
  health: Pick<Config['health'], 'adapt'>;
  logger: Logger;
  /** Latest throttle reading (ThermalProbe.throttledNow); cached, so cheap to call per frame. */
  throttled: () => boolean;
  /** Overrides of the ladder's windows (tests). */
  ladder?: Partial<Omit<AdaptationLadderOptions, 'fps' | 'enabled'>>;
}

export class Adaptation {
  private readonly ladder: AdaptationLadder;
  private readonly gate: FrameGate;
  private readonly logger: Logger;
  private readonly throttled: () => boolean;

  constructor(options: AdaptationOptions) {
    this.ladder = new AdaptationLadder({
      ...options.ladder,
      fps: options.camera.fps,
      enabled: options.health.adapt,
    });
    this.gate = new FrameGate();
    this.logger = options.logger;
    this.throttled = options.throttled;
  }

  /**
   * Call once per processed frame with its total time and how often the source offers frames
   * (FrameSource.offeredIntervalMs); returns the knobs for the next frames.
   */
  observe(frameMs: number, offeredIntervalMs?: number): AdaptationState {
    const before = this.ladder.level;
    const sample = {
      frameMs,
      throttled: this.throttled(),
      ...(offeredIntervalMs !== undefined ? { offeredIntervalMs } : {}),
    };
    if (this.ladder.observe(sample)) {
      const state = this.ladder.state();
      const fields = {
        level: state.level,
        from: before,
        step: state.name,
        reason: state.reason,
        expressionIntervalScale: state.expressionIntervalScale,
        detectionIntervalScale: state.detectionIntervalScale,
        fpsScale: state.fpsScale,
        frameMs: Math.round(frameMs),
        budgetMs: Math.round(this.ladder.budgetMs(before)),
      };
      if (state.level > before) this.logger.warn(fields, 'adaptation: degrading');
      else this.logger.info(fields, 'adaptation: recovering');
    }
    return this.ladder.state();
  }

  state(): AdaptationState {
    return this.ladder.state();
  }

  knobs(): AdaptationKnobs {
    const { expressionIntervalScale, detectionIntervalScale, fpsScale } = this.ladder.state();
    return { expressionIntervalScale, detectionIntervalScale, fpsScale };
  }

  /**
   * False for frames the fps step holds back (release them unprocessed): `tMs` is the frame's
   * time, `offeredIntervalMs` how often the source offers one (FrameSource.offeredIntervalMs).
   */
  admit(tMs: number, offeredIntervalMs: number): boolean {
    return this.gate.admit(tMs, this.ladder.state().fpsScale, offeredIntervalMs);
  }

  /** Frames held back by the fps step since start (for health). */
  get gatedFrames(): number {
    return this.gate.skipped;
  }
}
