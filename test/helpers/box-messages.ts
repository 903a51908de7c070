// Valid box payloads (docs/schemas) for hub tests, with a device-wide seq like a real box.
export class BoxMessages {
  private seq = 0;

  constructor(
    readonly room: string,
    readonly device: string,
    private readonly base = 'classpulse',
  ) {}

  topic(rest: string): string {
    return `${this.base}/${this.room}/${this.device}/${rest}`;
  }

  private head(tMs: number) {
    this.seq += 1;
    return { v: 1, device: this.device, tMs, seq: this.seq };
  }

  status(camera: string, tMs = Date.now(), state = 'online') {
    return { ...this.head(tMs), state, camera };
  }

  student(
    student: string,
    flags: { tired?: boolean; lookingAround?: boolean; present?: boolean } = {},
    tMs = Date.now(),
  ) {
    return {
      ...this.head(tMs),
      student,
      present: flags.present ?? true,
      eyesMeasurable: true,
      blinks: 4,
      blinkRatePerMin: 16.5,
      perclos: 0.06,
      eyesClosedMs: 1200,
      turns: 2,
      turnsInWindow: 1,
      pose: { yawDeg: -12, pitchDeg: 4, rollDeg: 1 },
      expression: 'neutral',
      expressionConfidence: 0.8,
      tired: flags.tired ?? false,
      lookingAround: flags.lookingAround ?? false,
      turnedAway: false,
    };
  }

  classSummary(attentiveShare: number, tMs = Date.now()) {
    return {
      ...this.head(tMs),
      faces: 3,
      attentiveShare,
      tired: 1,
      lookingAround: 0,
      expressions: {
        neutral: 3,
        happy: 0,
        sad: 0,
        angry: 0,
        fearful: 0,
        disgusted: 0,
        surprised: 0,
      },
    };
  }

  alert(alert: string, student: string, reason: string, tMs = Date.now()) {
    return { ...this.head(tMs), alert, student, reason };
  }

  reply(cmd: string, id: string, tMs = Date.now()) {
    return { ...this.head(tMs), cmd, id, ok: true };
  }
}
