// Head turns to the left/right, measured from the student's own resting yaw (YawBaseline), with
// hysteresis (start beyond yawDeg from rest, end back inside releaseDeg on two readings running)
// and a minimum dwell, so pose jitter around the threshold does not count as many turns. A turn
// held for awayAfterS is a state ("turned away"), still one turn, not a stream of them.
import type { Config } from '../config/schema.js';
import { TimedEvents } from './time-windows.js';
import { YawBaseline } from './yaw-baseline.js';

export type TurnDirection = 'left' | 'right';

export interface HeadTurn {
  direction: TurnDirection;
  startMs: number;
  endMs: number;
}

export interface HeadTurnCounterOptions {
  headTurn: Config['headTurn'];
}

interface OpenTurn {
  direction: TurnDirection;
  startMs: number;
  /**
   * The turn was seen to start from the resting pose. A track born already turned (a face found
   * at near-profile, or a second track opened on a face lost for a frame while turned) has not:
   * the turn it comes back from is not counted, so one turn is not counted twice.
   */
  counted: boolean;
  /** First reading of the current run of readings back inside releaseDeg, and how many. */
  backSinceMs?: number;
  backReadings: number;
  /** First reading back inside releaseDeg during this turn at all (a swing passing the front). */
  firstBackMs?: number;
}

/**
 * Readings in a row back inside releaseDeg that end a turn. One is not enough: a single odd
 * reading (seen when a turned face's region is re-cut from a fresh detection, or a hand passes)
 * would split one long turn into several. Two, not a time: a turn that returns just before a clip
 * ends or the head swings on through must still end (a 250 ms dwell lost two of eight true turns).
 */
const RELEASE_READINGS = 2;

/** HeadPose: yawDeg > 0 is the student's own left. */
function directionOf(offsetDeg: number): TurnDirection {
  return offsetDeg > 0 ? 'left' : 'right';
}

export class HeadTurnCounter {
  private readonly config: Config['headTurn'];
  private readonly turns: TimedEvents;
  private readonly baseline: YawBaseline;
  private current: OpenTurn | undefined;
  private seenResting = false;

  constructor(options: HeadTurnCounterOptions) {
    this.config = options.headTurn;
    this.turns = new TimedEvents(options.headTurn.windowS * 1000);
    this.baseline = new YawBaseline({
      windowMs: options.headTurn.baselineWindowS * 1000,
      maxDeg: options.headTurn.baselineMaxDeg,
    });
  }

  /**
   * Feeds one frame's yaw; undefined (no pose) changes nothing: a face turned to profile is often
   * lost by the landmarker, and the turn ends only when it is seen facing front again.
   */
  push(tMs: number, yawDeg: number | undefined): HeadTurn | undefined {
    if (yawDeg === undefined || !Number.isFinite(yawDeg)) return undefined;
    // A track that has not yet seen its rest (born turned) learns it from every reading within the
    // absolute cap: else a first odd reading beyond yawDeg (a turned face's first crop comes from
    // the detector's box and reads more turned) opens a turn that a student resting at 15° never
    // ends, and the rest stays 0°: "turned away" for good (12 of 27 still faces of the 30-face clip).
    if (this.current && !this.current.counted) this.baseline.add(tMs, yawDeg);
    const offset = yawDeg - this.baseline.valueDeg;
    const magnitude = Math.abs(offset);
    const current = this.current;
    if (!current) {
      if (magnitude > this.config.yawDeg) {
        this.current = {
          direction: directionOf(offset),
          startMs: tMs,
          counted: this.seenResting,
          backReadings: 0,
        };
      } else {
        this.rest(tMs, yawDeg, magnitude);
      }
      return undefined;
    }
    // Straight from one side to the other: end and restart. A swing that passed the front on the
    // way (a reading back, too brief to end the turn) started the new turn from the resting pose.
    if (magnitude > this.config.yawDeg && directionOf(offset) !== current.direction) {
      const passedFront = current.firstBackMs !== undefined;
      if (passedFront) this.seenResting = true;
      this.current = {
        direction: directionOf(offset),
        startMs: tMs,
        counted: current.counted || passedFront,
        backReadings: 0,
      };
      return this.finish(current, current.firstBackMs ?? tMs);
    }
    if (magnitude >= this.config.releaseDeg) {
      current.backSinceMs = undefined;
      current.backReadings = 0;
      return undefined;
    }
    current.backSinceMs ??= tMs;
    current.firstBackMs ??= tMs;
    current.backReadings += 1;
    if (current.backReadings < RELEASE_READINGS) return undefined;
    this.current = undefined;
    this.rest(tMs, yawDeg, magnitude);
    return this.finish(current, current.backSinceMs);
  }

  get turning(): TurnDirection | undefined {
    return this.current?.direction;
  }

  /** Turned (beyond yawDeg from rest) for at least awayAfterS: a state, reported as such. */
  turnedAway(tMs: number): boolean {
    const current = this.current;
    return current !== undefined && tMs - current.startMs >= this.config.awayAfterS * 1000;
  }

  /** The resting yaw turns are measured from (0° until learned). */
  get restingYawDeg(): number {
    return this.baseline.valueDeg;
  }

  get count(): number {
    return this.turns.count;
  }

  inWindow(tMs: number): number {
    return this.turns.inWindow(tMs);
  }

  /** Counts back to zero; the learned resting yaw stays (it describes the student, not the lesson). */
  reset(): void {
    this.turns.reset();
  }

  /** A reading while not turned: it teaches the resting yaw. */
  private rest(tMs: number, yawDeg: number, magnitude: number): void {
    this.baseline.add(tMs, yawDeg);
    if (magnitude < this.config.releaseDeg) this.seenResting = true;
  }

  private finish(turn: OpenTurn, endMs: number): HeadTurn | undefined {
    if (!turn.counted || endMs - turn.startMs < this.config.minDwellMs) return undefined;
    this.turns.add(endMs);
    return { direction: turn.direction, startMs: turn.startMs, endMs };
  }
}
