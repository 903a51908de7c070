import { describe, expect, it } from 'vitest';
import type { Event, EventOf } from '../../../src/events/types.js';
import type { Box, EyeOpenness, HeadPose } from '../../../src/pipeline/types.js';
import { Classroom } from '../../../src/trackers/classroom.js';
import { defaults } from './support/config.js';
import { eyeFrames, periodic } from './support/eye-signals.js';
import { FaceBank } from './support/faces.js';
import { SimulatedPipeline } from './support/simulated-pipeline.js';

interface Student {
  person: string;
  box: Box;
  eyesAt: (tMs: number) => EyeOpenness | undefined;
  poseAt?: (tMs: number) => HeadPose;
}

function classroom(blink = {}) {
  return new Classroom({
    tracking: defaults('tracking'),
    blink: defaults('blink', blink),
    headTurn: defaults('headTurn'),
    expression: defaults('expression'),
  });
}

/** Drives a classroom at 10 fps; returns every event. */
function drive(room: Classroom, students: Student[], fromMs: number, toMs: number): Event[] {
  const pipeline = new SimulatedPipeline(new FaceBank(11));
  const events: Event[] = [];
  for (let t = fromMs; t < toMs; t += 100) {
    const faces = students.map((s) => ({ person: s.person, box: s.box }));
    const observations = pipeline.observe({ tMs: t, faces }, room.hints(t), { claims: true });
    observations.forEach((observation, i) => {
      const s = students[i];
      const eyes = s?.eyesAt(t);
      if (eyes) observation.eyes = eyes;
      if (s?.poseAt) observation.pose = s.poseAt(t);
    });
    events.push(...room.update(observations, t).events);
  }
  return events;
}

function lastState(events: Event[], track: string) {
  return events.findLast((e): e is EventOf<'state'> => e.type === 'state' && e.track === track)
    ?.signals;
}

function eyesOf(frames: ReturnType<typeof eyeFrames>) {
  const byTime = new Map(frames.map((f) => [f.tMs, f.eyes]));
  return (tMs: number) => byTime.get(tMs);
}

const calm = (person: string, x: number): Student => ({
  person,
  box: { x, y: 100, w: 60, h: 60 },
  eyesAt: eyesOf(
    eyeFrames({
      fps: 10,
      durationMs: 120_000,
      closures: periodic(2000, 4000, 120_000, 200),
      seed: x,
    }),
  ),
});

describe('Classroom', () => {
  it('emits one frame event per update and state events only on change', () => {
    const room = classroom();
    const events = drive(room, [calm('ann', 100)], 0, 60_000);
    const frames = events.filter((e) => e.type === 'frame');
    expect(frames).toHaveLength(600);
    const blinks = events.filter((e) => e.type === 'blink').length;
    const states = events.filter((e) => e.type === 'state');
    expect(blinks).toBe(15);
    // One when the student appears, one when a second of steady eye readings makes the eyes
    // measurable, then one per blink (the blink count changed); not per frame.
    expect(states.length).toBe(2 + blinks);
    expect(states[0]?.type === 'state' && states[0].signals.eyesMeasurable).toBe(false);
    expect(states[1]?.type === 'state' && states[1].signals.eyesMeasurable).toBe(true);
    expect(events.filter((e) => e.type === 'track')).toEqual([
      { type: 'track', tMs: 100, track: 'anon-1', change: 'born' },
    ]);
    expect(lastState(events, 'anon-1')?.blinks).toBe(15);
  });

  it('re-sends every observed state after resync (capture started again)', () => {
    const room = classroom();
    drive(room, [calm('ann', 100), calm('bob', 300)], 0, 1500);
    // Nothing changed: no state on the next frames.
    expect(
      drive(room, [calm('ann', 100), calm('bob', 300)], 1500, 1900).filter(
        (e) => e.type === 'state',
      ),
    ).toEqual([]);
    room.resync();
    const again = drive(room, [calm('ann', 100), calm('bob', 300)], 1900, 2000);
    expect(
      again
        .filter((e) => e.type === 'state')
        .map((e) => e.type === 'state' && e.track)
        .sort(),
    ).toEqual(['anon-1', 'anon-2']);
  });

  it('asks for no eyes for a face too small to measure them (the pipeline skips iris)', () => {
    const room = classroom();
    const small: Student = { ...calm('tim', 400), box: { x: 400, y: 100, w: 30, h: 30 } };
    drive(room, [calm('ann', 100), small], 0, 2000);
    const hints = room.hints(2000);
    const byWidth = hints.map((h) => [h.box.w, h.needsEyes] as const).sort((x, y) => x[0] - y[0]);
    expect(byWidth).toEqual([
      [30, false],
      [60, undefined],
    ]);
  });

  it('sends a state event when the pose bucket changes', () => {
    const room = classroom();
    const turning: Student = {
      ...calm('ann', 100),
      poseAt: (t) => ({ yawDeg: t >= 5000 ? 40 : 0, pitchDeg: 0, rollDeg: 0 }),
    };
    const events = drive(room, [turning], 0, 4900);
    const before = events.filter((e) => e.type === 'state').length;
    const later = drive(room, [turning], 4900, 5200).filter((e) => e.type === 'state');
    expect(before).toBeGreaterThan(0);
    expect(later).toHaveLength(1);
    expect(later[0]?.type === 'state' && later[0].signals.yawDeg).toBe(40);
  });

  it('summarises the class: faces, tired and attentive share, expression mix', () => {
    // tiredBlinks 5: Bob blinks every 1 s and is tired within the minute; Ann every 4 s is not.
    const room = classroom({ tiredBlinks: 5 });
    const bob: Student = {
      person: 'bob',
      box: { x: 400, y: 100, w: 60, h: 60 },
      eyesAt: eyesOf(
        eyeFrames({
          fps: 10,
          durationMs: 30_000,
          closures: periodic(1000, 1000, 30_000, 200),
          seed: 3,
        }),
      ),
    };
    const events = drive(room, [calm('ann', 100), bob], 0, 12_000);
    const alerts = events.filter((e) => e.type === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ alert: 'tired', track: 'anon-2' });
    const summary = room.summary(12_000);
    expect(summary).toMatchObject({ faces: 2, tired: 1, lookingAround: 0, attentiveShare: 0.5 });
    expect(summary.expressions.neutral).toBe(2);
    expect(room.tracks().map((t) => t.id)).toEqual(['anon-1', 'anon-2']);
  });

  it('reset puts counters to zero, keeps ids, and re-sends state', () => {
    const room = classroom();
    const before = drive(room, [calm('ann', 100)], 0, 20_000);
    expect(lastState(before, 'anon-1')?.blinks).toBeGreaterThan(0);
    room.reset();
    const events = drive(room, [calm('ann', 100)], 20_000, 20_200);
    expect(lastState(events, 'anon-1')?.blinks).toBe(0);
    expect(room.tracks().map((t) => t.id)).toEqual(['anon-1']);
  });

  it('reports an empty classroom as fully attentive with no faces', () => {
    const room = classroom();
    expect(room.update([], 0).events).toEqual([{ type: 'frame', tMs: 0, faces: 0 }]);
    expect(room.summary(0)).toMatchObject({ faces: 0, attentiveShare: 1, tired: 0 });
    expect(room.hints(0)).toEqual([]);
  });

  it('returns which observation went to which track, new and renamed ids, and ended ones', () => {
    const room = classroom();
    const pipeline = new SimulatedPipeline(new FaceBank(11));
    const seat = { x: 100, y: 100, w: 60, h: 60 };
    const step = (t: number, faces: Array<{ person: string; box: typeof seat }>) => {
      const observations = pipeline.observe({ tMs: t, faces }, room.hints(t), { claims: true });
      return { observations, ...room.update(observations, t) };
    };
    const first = step(0, [{ person: 'ann', box: seat }]);
    expect(first.associations.observed).toEqual([
      { index: 0, trackId: 'pending-1', confirmed: false },
    ]);
    // The next frame brings the embedding the tracker asked for: the tentative face gets its id.
    const second = step(100, [{ person: 'ann', box: seat }]);
    expect(second.associations).toMatchObject({
      observed: [{ index: 0, trackId: 'anon-1', confirmed: true }],
      born: ['anon-1'],
      renamed: [{ from: 'pending-1', to: 'anon-1' }],
      ended: ['pending-1'],
    });
    expect(step(1200, []).associations.lost).toEqual(['anon-1']);
    const keepMs = defaults('tracking').lostAfterMs + defaults('tracking').lostKeepMs;
    expect(step(100 + keepMs, []).associations.ended).toEqual(['anon-1']);
    expect(room.size).toBe(0);
  });

  it('holds per-student state only for tracks that have not ended, however many came and went', () => {
    const room = classroom();
    const pipeline = new SimulatedPipeline(new FaceBank(11));
    const open = { left: 0.3, right: 0.3 };
    const seats = [0, 1, 2, 3, 4].map((i) => ({ x: 40 + i * 120, y: 100, w: 60, h: 60 }));
    const ended = new Set<string>();
    const born = new Set<string>();
    let t = 0;
    for (let wave = 0; wave < 8; wave++) {
      const faces = seats.map((box, i) => ({ person: `p${wave}-${i}`, box }));
      // Three seconds in class, then an empty room long enough for every track to expire.
      for (const until = t + 20_000; t < until; t += 100) {
        const present = t < until - 17_000 ? faces : [];
        const observations = pipeline.observe({ tMs: t, faces: present }, room.hints(t), {
          claims: true,
        });
        for (const o of observations) o.eyes = open;
        const { associations } = room.update(observations, t);
        for (const id of associations.born) born.add(id);
        for (const id of associations.ended) ended.add(id);
      }
      expect(room.size).toBe(0);
    }
    expect(born.size).toBe(40);
    for (const id of born) expect(ended.has(id)).toBe(true);
    for (let end = t + 2000; t < end; t += 100) {
      const faces = seats.map((box, i) => ({ person: `last-${i}`, box }));
      room.update(pipeline.observe({ tMs: t, faces }, room.hints(t), { claims: true }), t);
    }
    expect(room.size).toBe(5);
  });
});
