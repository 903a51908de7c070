// Everything the box knows about one tracked student: blinks, PERCLOS, head turns, expression and
// the alerts derived from them.
import type { Config } from '../config/schema.js';
import type { Event, EventOf, StudentSignals } from '../events/types.js';
import type { HeadPose, Observation } from '../pipeline/types.js';
import { BlinkDetector, combinedOpenness } from './blink-detector.js';
import { ExpressionSmoother } from './expression-smoother.js';
import { EyeSignalQuality } from './eye-signal-quality.js';
import { HeadTurnCounter } from './head-turn-counter.js';
import { PerclosWindow } from './perclos-window.js';
import { AlertCooldown } from './time-windows.js';

/** PERCLOS raises alerts only once this share of its window has been measured. */
const PERCLOS_MIN_COVERAGE = 0.5;
/** Pose is reported to subscribers in buckets of this many degrees (state events on change). */
const POSE_BUCKET_DEG = 15;
/** The face width is the median of this many recent observations (one bad box does not flip it). */
const FACE_WIDTH_SAMPLES = 15;
/** Hysteresis: measurable eyes stay measurable down to this share of blink.minFacePx. */
const MEASURABLE_RELEASE = 0.9;

export interface StudentStateOptions {
  trackId: string;
  blink: Config['blink'];
  headTurn: Config['headTurn'];
  expression: Config['expression'];
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export class StudentState {
  readonly trackId: string;
  private readonly blinkConfig: Config['blink'];
  private readonly turnConfig: Config['headTurn'];
  private readonly blinkDetector: BlinkDetector;
  private readonly perclos: PerclosWindow;
  private readonly turns: HeadTurnCounter;
  private readonly expression: ExpressionSmoother;
  private readonly tiredCooldown: AlertCooldown;
  private readonly lookingCooldown: AlertCooldown;
  private pose: HeadPose = { yawDeg: 0, pitchDeg: 0, rollDeg: 0 };
  private readonly faceWidthsPx: number[] = [];
  private wideEnough = false;
  private readonly eyeSignal: EyeSignalQuality;
  /** Blinks seen before the eye readings were first judged: counted only if judged steady. */
  private unjudgedBlinks: EventOf<'blink'>[] = [];

  constructor(options: StudentStateOptions) {
    this.trackId = options.trackId;
    this.blinkConfig = options.blink;
    this.turnConfig = options.headTurn;
    this.blinkDetector = new BlinkDetector({ blink: options.blink });
    this.eyeSignal = new EyeSignalQuality(options.blink.maxGapMs);
    this.perclos = new PerclosWindow(options.blink);
    this.turns = new HeadTurnCounter({ headTurn: options.headTurn });
    this.expression = new ExpressionSmoother({ expression: options.expression });
    this.tiredCooldown = new AlertCooldown(options.blink.alertCooldownS * 1000);
    this.lookingCooldown = new AlertCooldown(options.headTurn.alertCooldownS * 1000);
  }

  /** One frame in which this student was observed; returns blink, turn and alert events. */
  update(tMs: number, observation: Observation): Event[] {
    const events: Event[] = [];
    this.measureFace(observation.box.w);
    events.push(...this.measureEyes(tMs, observation));
    this.perclos.push(tMs, this.blinkDetector.openness, this.blinkDetector.openLevel);
    if (observation.pose) this.pose = { ...observation.pose };
    const turn = this.turns.push(tMs, observation.pose?.yawDeg);
    if (turn) events.push({ type: 'turn', track: this.trackId, ...turn });
    if (observation.expression) this.expression.push(tMs, observation.expression);
    events.push(...this.alerts(tMs));
    return events;
  }

  /**
   * Eye measurements of this face are used: it is at least blink.minFacePx wide (hysteresis) and
   * its eye readings are steady (EyeSignalQuality).
   */
  get eyesMeasurable(): boolean {
    return this.measurable;
  }

  /**
   * The pipeline should measure this face's eyes: it is wide enough. An unsteady face still gets
   * them, so that it is seen when its readings settle.
   */
  get eyesWanted(): boolean {
    return this.wideEnough;
  }

  signals(tMs: number): StudentSignals {
    const reading = this.expression.reading();
    const eyes = this.measurable;
    return {
      eyesMeasurable: eyes,
      blinks: eyes ? this.blinkDetector.count : null,
      blinkRatePerMin: eyes ? round(this.blinkDetector.ratePerMin(tMs), 1) : null,
      perclos: eyes ? round(this.perclos.value(tMs), 3) : null,
      eyesClosedMs: eyes ? Math.round(this.blinkDetector.eyesClosedMs()) : null,
      turns: this.turns.count,
      turnsInWindow: this.turns.inWindow(tMs),
      yawDeg: Math.round(this.pose.yawDeg),
      pitchDeg: Math.round(this.pose.pitchDeg),
      rollDeg: Math.round(this.pose.rollDeg),
      expression: reading.expression,
      expressionConfidence: round(reading.confidence, 2),
      tired: this.tiredReason(tMs) !== undefined,
      lookingAround: this.lookingReason(tMs) !== undefined,
      turnedAway: this.turns.turnedAway(tMs),
    };
  }

  /** What subscribers care about; a state event is due when this changes. */
  changeKey(tMs: number): string {
    const s = this.signals(tMs);
    const bucket = (deg: number) => Math.round(deg / POSE_BUCKET_DEG);
    return [
      s.eyesMeasurable,
      s.blinks,
      s.turns,
      s.expression,
      s.tired,
      s.lookingAround,
      s.turnedAway,
      bucket(s.yawDeg),
      bucket(s.pitchDeg),
    ].join('|');
  }

  /** Counters and cool-downs back to zero; the learned open-eye level stays. */
  reset(): void {
    this.blinkDetector.reset();
    // Blinks held for the first verdict happened before the reset: they are not counted either.
    this.unjudgedBlinks = [];
    this.perclos.reset();
    this.turns.reset();
    this.tiredCooldown.reset();
    this.lookingCooldown.reset();
  }

  /**
   * Eyes of a face too small to measure them, or read too unsteadily, are no eyes: pending closures
   * break (maxGapMs) and PERCLOS leaves the time out, instead of counting noise as blinks. Until the
   * readings are first judged (a second into the track) they are measured as usual but not
   * published: then the blinks seen so far count if the readings are steady, and everything
   * measured is dropped if not.
   */
  private measureEyes(tMs: number, observation: Observation): EventOf<'blink'>[] {
    const wasJudged = this.eyeSignal.judged;
    if (this.wideEnough && observation.eyes) {
      const value = combinedOpenness(observation.eyes);
      this.eyeSignal.push(tMs, value, this.blinkDetector.openLevel);
    }
    const judged = this.eyeSignal.judged;
    const steady = this.eyeSignal.steady;
    const used = this.wideEnough && (steady || !judged);
    const blink = this.blinkDetector.push(tMs, used ? observation.eyes : undefined);
    const found: EventOf<'blink'>[] = blink
      ? [{ type: 'blink', track: this.trackId, ...blink }]
      : [];
    if (!judged) {
      this.unjudgedBlinks.push(...found);
      return [];
    }
    if (wasJudged) return found;
    const held = this.unjudgedBlinks;
    this.unjudgedBlinks = [];
    if (steady) return [...held, ...found];
    this.blinkDetector.reset();
    this.perclos.reset();
    return [];
  }

  /** Wide enough and steady: the eyes are published (derived, so it cannot drift from either). */
  private get measurable(): boolean {
    return this.wideEnough && this.eyeSignal.steady;
  }

  /** Median width of the recent observations against blink.minFacePx, with hysteresis. */
  private measureFace(widthPx: number): void {
    this.faceWidthsPx.push(widthPx);
    if (this.faceWidthsPx.length > FACE_WIDTH_SAMPLES) this.faceWidthsPx.shift();
    const sorted = [...this.faceWidthsPx].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const { minFacePx } = this.blinkConfig;
    this.wideEnough = median >= (this.wideEnough ? MEASURABLE_RELEASE * minFacePx : minFacePx);
  }

  private tiredReason(tMs: number): string | undefined {
    // Nothing is known about the eyes of a face too small or too unsteady to measure them.
    if (!this.measurable) return undefined;
    const { windowS, tiredBlinks, tiredPerclos } = this.blinkConfig;
    const blinks = this.blinkDetector.inWindow(tMs);
    if (blinks >= tiredBlinks) return `${blinks} blinks in ${windowS} s (≥ ${tiredBlinks})`;
    const perclos = this.perclos.value(tMs);
    const covered = this.perclos.measuredMs(tMs) >= PERCLOS_MIN_COVERAGE * windowS * 1000;
    if (covered && perclos >= tiredPerclos) {
      return `PERCLOS ${perclos.toFixed(2)} over ${windowS} s (≥ ${tiredPerclos})`;
    }
    return undefined;
  }

  private lookingReason(tMs: number): string | undefined {
    const { windowS, lookingAroundTurns } = this.turnConfig;
    const turns = this.turns.inWindow(tMs);
    return turns >= lookingAroundTurns
      ? `${turns} head turns in ${windowS} s (≥ ${lookingAroundTurns})`
      : undefined;
  }

  private alerts(tMs: number): EventOf<'alert'>[] {
    const out: EventOf<'alert'>[] = [];
    const tired = this.tiredReason(tMs);
    if (tired && this.tiredCooldown.tryFire(tMs)) {
      out.push({ type: 'alert', tMs, alert: 'tired', track: this.trackId, reason: tired });
    }
    const looking = this.lookingReason(tMs);
    if (looking && this.lookingCooldown.tryFire(tMs)) {
      out.push({
        type: 'alert',
        tMs,
        alert: 'looking-around',
        track: this.trackId,
        reason: looking,
      });
    }
    return out;
  }
}
