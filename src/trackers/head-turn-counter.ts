// Head turns to the left/right with hysteresis (start beyond yawDeg, end inside releaseDeg) and a
// minimum dwell, so pose jitter around the threshold does not count as many turns.
import type { Config } from '../config/schema.js';
import { TimedEvents } from './time-windows.js';

export type TurnDirection = 'left' | 'right';

export interface HeadTurn {
  direction: TurnDirection;
  startMs: number;
  endMs: number;
}

export interface HeadTurnCounterOptions {
  headTurn: Config['headTurn'];
}

/** HeadPose: yawDeg > 0 is the student's own left. */
function directionOf(yawDeg: number): TurnDirection {
  return yawDeg > 0 ? 'left' : 'right';
}

export class HeadTurnCounter {
  private readonly config: Config['headTurn'];
  private readonly turns: TimedEvents;
  private current: { direction: TurnDirection; startMs: number } | undefined;

  constructor(options: HeadTurnCounterOptions) {
    this.config = options.headTurn;
    this.turns = new TimedEvents(options.headTurn.windowS * 1000);
  }

  /**
   * Feeds one frame's yaw; undefined (no pose) changes nothing: a face turned to profile is often
   * lost by the landmarker, and the turn ends only when it is seen facing front again.
   */
  push(tMs: number, yawDeg: number | undefined): HeadTurn | undefined {
    if (yawDeg === undefined || !Number.isFinite(yawDeg)) return undefined;
    const magnitude = Math.abs(yawDeg);
    const current = this.current;
    if (!current) {
      if (magnitude > this.config.yawDeg) {
        this.current = { direction: directionOf(yawDeg), startMs: tMs };
      }
      return undefined;
    }
    // Straight from one side to the other (a fast swing between two frames): end and restart.
    if (magnitude > this.config.yawDeg && directionOf(yawDeg) !== current.direction) {
      this.current = { direction: directionOf(yawDeg), startMs: tMs };
      return this.finish(current, tMs);
    }
    if (magnitude < this.config.releaseDeg) {
      this.current = undefined;
      return this.finish(current, tMs);
    }
    return undefined;
  }

  get turning(): TurnDirection | undefined {
    return this.current?.direction;
  }

  get count(): number {
    return this.turns.count;
  }

  inWindow(tMs: number): number {
    return this.turns.inWindow(tMs);
  }

  reset(): void {
    this.turns.reset();
  }

  private finish(
    turn: { direction: TurnDirection; startMs: number },
    endMs: number,
  ): HeadTurn | undefined {
    if (endMs - turn.startMs < this.config.minDwellMs) return undefined;
    this.turns.add(endMs);
    return { direction: turn.direction, startMs: turn.startMs, endMs };
  }
}
