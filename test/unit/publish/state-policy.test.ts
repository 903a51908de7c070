// When students/<id> and alerts go out, and what that costs: a simulated class of 30 with the
// default config must stay at or under 1 KB/s. The churn rates below are assumptions (adult blink
// rate 15-20/min, a few head turns and expression changes per minute), not measurements, and the
// defaults were chosen from this budget, not from any clip.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { StudentSignals } from '../../../src/events/types.js';
import { EXPRESSIONS } from '../../../src/pipeline/types.js';
import { PayloadBuilder } from '../../../src/publish/payloads.js';
import { AlertGate, StatePolicy } from '../../../src/publish/state-policy.js';
import { TopicMap } from '../../../src/publish/topics.js';
import { signals } from '../../helpers/signals.js';

const base: StudentSignals = signals({ expressionConfidence: 0.8 });

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('StatePolicy', () => {
  it('sends the first state at once, changes at most every minInterval, and heartbeats', () => {
    const policy = new StatePolicy({ minIntervalMs: 10_000, heartbeatMs: 30_000 });
    expect(policy.offer('a', base, 0)).toBe(true);
    expect(policy.offer('a', { ...base, blinks: 1 }, 1000)).toBe(false);
    expect(policy.due(9_999)).toEqual([]);
    expect(policy.due(10_000).map((d) => d.signals.blinks)).toEqual([1]);
    // Pose drift alone is not a change: it waits for the heartbeat.
    expect(policy.offer('a', { ...base, blinks: 1, yawDeg: 20 }, 21_000)).toBe(false);
    expect(policy.due(39_999)).toEqual([]);
    expect(policy.due(40_000).map((d) => d.signals.yawDeg)).toEqual([20]);
    expect(policy.remove('a')?.yawDeg).toBe(20);
    expect(policy.due(100_000)).toEqual([]);
  });

  it('keeps a simulated class of 30 at or under 1 KB/s with the default config', () => {
    const { config } = loadConfig({ file: '/dev/null', env: {} });
    const policy = new StatePolicy({
      minIntervalMs: config.mqtt.stateMinIntervalS * 1000,
      heartbeatMs: config.mqtt.heartbeatS * 1000,
    });
    const payloads = new PayloadBuilder({ deviceId: config.device.id });
    const topics = new TopicMap({ baseTopic: 'classpulse/room-1/classpulse-1' });
    const random = prng(7);
    const students = Array.from({ length: 30 }, (_, i) => ({ id: `t${i + 1}`, s: { ...base } }));
    const durationMs = 10 * 60_000;
    const frameMs = 100; // trackers report every frame at 10 fps: the worst case
    let bytes = 0;
    let messages = 0;
    let seq = 100_000;
    // topic + payload (seq added as the queue does) + MQTT fixed header, topic length, packet id.
    const count = (topic: string, payload: Record<string, unknown>) => {
      seq += 1;
      bytes += topic.length + JSON.stringify({ ...payload, seq }).length + 6;
      messages += 1;
    };
    for (let t = 0; t < durationMs; t += frameMs) {
      const perFrame = frameMs / 60_000;
      for (const student of students) {
        const s = student.s;
        s.yawDeg = Math.max(-60, Math.min(60, s.yawDeg + (random() - 0.5) * 4));
        s.pitchDeg = (random() - 0.5) * 10;
        s.perclos = Math.min(1, Math.max(0, (s.perclos ?? 0) + (random() - 0.5) * 0.01));
        if (random() < 18 * perFrame) s.blinks = (s.blinks ?? 0) + 1;
        if (random() < 3 * perFrame) s.turns += 1;
        if (random() < 2 * perFrame)
          s.expression = EXPRESSIONS[Math.floor(random() * EXPRESSIONS.length)] ?? 'neutral';
        if (random() < 0.2 * perFrame) s.tired = !s.tired;
        if (policy.offer(student.id, { ...s }, t))
          count(topics.student(student.id), payloads.student(t, student.id, s, true));
      }
      for (const due of policy.due(t))
        count(topics.student(due.student), payloads.student(t, due.student, due.signals, true));
      if (t % (config.mqtt.classIntervalS * 1000) === 0)
        count(
          topics.classSummary,
          payloads.classSummary(t, {
            faces: 30,
            attentiveShare: 0.9,
            tired: 2,
            lookingAround: 1,
            expressions: {
              neutral: 20,
              happy: 5,
              sad: 1,
              angry: 0,
              fearful: 0,
              disgusted: 1,
              surprised: 3,
            },
          }),
        );
    }
    const bytesPerS = bytes / (durationMs / 1000);
    console.info(
      `30 students, default config: ${bytesPerS.toFixed(0)} B/s, ${(messages / (durationMs / 1000)).toFixed(2)} msg/s`,
    );
    expect(bytesPerS).toBeLessThanOrEqual(1024);
    // And the policy did not simply go quiet: every student is heard from at least per heartbeat.
    expect(messages).toBeGreaterThanOrEqual(30 * (durationMs / (config.mqtt.heartbeatS * 1000)));
  });
});

describe('AlertGate', () => {
  it('lets one alert per kind and student through per cool-down', () => {
    const gate = new AlertGate({ cooldownMs: 60_000 });
    expect(gate.allow('tired', 'a', 0)).toBe(true);
    expect(gate.allow('tired', 'b', 0)).toBe(true);
    expect(gate.allow('looking-around', 'a', 0)).toBe(true);
    expect(gate.allow('tired', 'a', 59_999)).toBe(false);
    expect(gate.allow('tired', 'a', 60_000)).toBe(true);
    expect(gate.suppressed).toBe(1);
  });

  it('publishes camera-recovered only after a published camera-lost', () => {
    const gate = new AlertGate({ cooldownMs: 60_000 });
    expect(gate.allow('camera-recovered', undefined, 0)).toBe(false);
    expect(gate.allow('camera-lost', undefined, 1000)).toBe(true);
    expect(gate.allow('camera-recovered', undefined, 2000)).toBe(true);
    expect(gate.allow('camera-lost', undefined, 3000)).toBe(false); // flapping
    expect(gate.allow('camera-recovered', undefined, 4000)).toBe(false);
    expect(gate.allow('camera-lost', undefined, 61_000)).toBe(true);
  });
});

describe('StatePolicy staleness', () => {
  it('ends the heartbeat of a student nobody reports any more with present=false', () => {
    const policy = new StatePolicy({ minIntervalMs: 1000, heartbeatMs: 5000, staleMs: 20_000 });
    policy.offer('gone', base, 0);
    policy.offer('here', base, 0);
    for (let t = 1000; t < 20_000; t += 1000) policy.offer('here', base, t);
    const due = policy.due(20_000);
    expect(due.find((d) => d.student === 'gone')?.present).toBe(false);
    expect(due.find((d) => d.student === 'here')?.present).toBe(true);
    expect(policy.size).toBe(1);
  });
});

describe('per-student bookkeeping', () => {
  it('holds state and cool-downs only for ids that have not ended, however many came and went', () => {
    const policy = new StatePolicy({ minIntervalMs: 0, heartbeatMs: 1000 });
    const gate = new AlertGate({ cooldownMs: 60_000 });
    gate.allow('camera-lost', undefined, 0);
    for (let n = 1; n <= 200; n++) {
      const id = `anon-${n}`;
      policy.offer(id, signals({ blinks: n }), n);
      gate.allow('tired', id, n);
      gate.allow('looking-around', id, n);
      // Every student but the last three ends (expired, erased or relabelled).
      if (n <= 197) {
        policy.remove(id);
        gate.forget(id);
      }
    }
    expect(policy.size).toBe(3);
    expect(gate.size).toBe(3 * 2 + 1); // two alert kinds per live student, and the camera
    // A forgotten id that comes back (a new track under an old anon id) is not held back.
    expect(gate.allow('tired', 'anon-1', 300)).toBe(true);
  });
});
