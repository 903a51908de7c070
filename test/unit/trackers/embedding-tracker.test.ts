import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import type { Box } from '../../../src/pipeline/types.js';
import { EmbeddingTracker } from '../../../src/trackers/embedding-tracker.js';
import { defaults } from './support/config.js';
import { FaceBank } from './support/faces.js';
import {
  linearPath,
  type ObserveOptions,
  type SceneFrame,
  SimulatedPipeline,
} from './support/simulated-pipeline.js';

const FRAME_MS = 100;

const fixture = (name: string): { frames: SceneFrame[] } =>
  JSON.parse(readFileSync(new URL(`../../fixtures/trackers/${name}`, import.meta.url), 'utf8'));

function makeTracker() {
  return new EmbeddingTracker({
    tracking: defaults('tracking'),
    expression: defaults('expression'),
  });
}

interface RunResult {
  events: EventOf<'track'>[];
  /** Per frame: person -> track id that received that person's observation. */
  idsByFrame: Array<Map<string, string>>;
  pipeline: SimulatedPipeline;
}

function run(
  tracker: EmbeddingTracker,
  frames: SceneFrame[],
  options: ObserveOptions | ((frame: SceneFrame) => ObserveOptions),
  bank = new FaceBank(7),
): RunResult {
  const pipeline = new SimulatedPipeline(bank);
  const events: EventOf<'track'>[] = [];
  const idsByFrame: Array<Map<string, string>> = [];
  for (const frame of frames) {
    const observeOptions = typeof options === 'function' ? options(frame) : options;
    const observations = pipeline.observe(frame, tracker.hints(frame.tMs), observeOptions);
    const update = tracker.update(observations, frame.tMs);
    events.push(...update.events);
    const ids = new Map<string, string>();
    for (const match of update.matches) {
      const person = pipeline.person(match.observation);
      if (person) ids.set(person, match.trackId);
    }
    idsByFrame.push(ids);
  }
  return { events, idsByFrame, pipeline };
}

/** The distinct ids one person had over the run (after their first confirmed frame). */
function idsOf(result: RunResult, person: string): string[] {
  return [
    ...new Set(result.idsByFrame.flatMap((ids) => (ids.has(person) ? [ids.get(person)] : []))),
  ].filter((id): id is string => id !== undefined);
}

const box = (x: number, y = 100, size = 60): Box => ({ x, y, w: size, h: size });

function steadyScene(durationMs: number, person = 'ann', at = box(200)): SceneFrame[] {
  const frames: SceneFrame[] = [];
  for (let t = 0; t < durationMs; t += FRAME_MS) {
    // Small jitter of a seated student.
    const jitter = Math.sin(t / 700) * 2;
    frames.push({ tMs: t, faces: [{ person, box: { ...at, x: at.x + jitter } }] });
  }
  return frames;
}

describe('EmbeddingTracker', () => {
  it('keeps one id for a steady face and asks for embeddings only at birth and on refresh', () => {
    const tracking = defaults('tracking');
    const durationMs = 120_000;
    const result = run(makeTracker(), steadyScene(durationMs), { claims: true });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(result.events.map((e) => e.change)).toEqual(['born']);
    const frames = durationMs / FRAME_MS;
    const refreshes = Math.floor(durationMs / tracking.embeddingRefreshMs);
    // One at birth, then one per refresh period (the first frame has no track, so no embedding).
    expect(result.pipeline.embeddingsComputed).toBeGreaterThanOrEqual(refreshes);
    expect(result.pipeline.embeddingsComputed).toBeLessThanOrEqual(1 + refreshes);
    expect(result.pipeline.embeddingsComputed).toBeLessThan(frames / 50);
  });

  it('does not ask for embeddings every frame when two neighbours overlap for good', () => {
    const frames = steadyScene(60_000, 'ann', box(200)).map((f) => ({
      ...f,
      faces: [...f.faces, { person: 'bob', box: box(245, 110) }],
    }));
    const result = run(makeTracker(), frames, { claims: true });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(idsOf(result, 'bob')).toEqual(['anon-2']);
    // One first embedding each; refreshes wait until the faces separate (never, here).
    expect(result.pipeline.embeddingsComputed).toBe(2);
  });

  it('gets the first embedding on the frame after a face appears, then confirms the id', () => {
    const tracker = makeTracker();
    const result = run(tracker, steadyScene(300), { claims: true });
    expect(result.idsByFrame[0]?.size).toBe(0); // tentative: no id yet
    expect(result.idsByFrame[1]?.get('ann')).toBe('anon-1');
    expect(tracker.tracks()).toHaveLength(1);
  });

  describe('two students crossing', () => {
    // Ann walks right in front of Bob, who walks left; their boxes overlap for about 10 frames.
    const crossing = (): SceneFrame[] => {
      const frames: SceneFrame[] = [];
      const steps = 60;
      for (let i = 0; i <= steps; i++) {
        const share = i / steps;
        frames.push({
          tMs: i * FRAME_MS,
          faces: [
            { person: 'ann', box: linearPath(box(100), box(500), share) },
            { person: 'bob', box: linearPath(box(500, 110), box(100, 110), share) },
          ],
        });
      }
      return frames;
    };

    it('keeps both ids with plain detections (motion + embedding decide)', () => {
      const result = run(makeTracker(), crossing(), { claims: false });
      expect(idsOf(result, 'ann')).toEqual(['anon-1']);
      expect(idsOf(result, 'bob')).toEqual(['anon-2']);
    });

    it('keeps both ids when observations claim tracks by hint boxes', () => {
      const result = run(makeTracker(), crossing(), { claims: true });
      expect(idsOf(result, 'ann')).toEqual(['anon-1']);
      expect(idsOf(result, 'bob')).toEqual(['anon-2']);
      // The overlap made both tracks uncertain: each asked for one embedding after separating.
      expect(result.pipeline.embeddingsComputed).toBe(4);
    });

    it('swaps ids back by embedding after landmarks drifted onto the other face', () => {
      const frames = crossing();
      const overlapFrames = new Set([28, 29, 30, 31, 32].map((i) => i * FRAME_MS));
      const result = run(makeTracker(), frames, (frame) => ({
        claims: true,
        rewriteClaims: overlapFrames.has(frame.tMs)
          ? (observations) => {
              const [a, b] = observations;
              if (a && b) [a.trackId, b.trackId] = [b.trackId, a.trackId];
            }
          : undefined,
      }));
      const last = result.idsByFrame[result.idsByFrame.length - 1];
      expect(last?.get('ann')).toBe('anon-1');
      expect(last?.get('bob')).toBe('anon-2');
      // Wrong for a few frames at most: the swapped frames plus the round trip for an embedding.
      const wrong = result.idsByFrame.filter((ids) => ids.get('ann') === 'anon-2').length;
      expect(wrong).toBeLessThanOrEqual(overlapFrames.size + 2);
      expect(result.events.filter((e) => e.change === 'born')).toHaveLength(2);
    });
  });

  it.each([{ claims: true }, { claims: false }])(
    'keeps ids through a walk-past with occlusion (fixture, claims: $claims)',
    (options) => {
      const { frames } = fixture('crossing-occlusion.json');
      const result = run(makeTracker(), frames, options);
      expect(idsOf(result, 'ann')).toEqual(['anon-1']);
      expect(idsOf(result, 'bob')).toEqual(['anon-2']);
      expect(idsOf(result, 'cem')).toEqual(['anon-3']);
      // Ann was hidden for about half a second: she coasted, she was not lost.
      expect(result.events.map((e) => e.change)).toEqual(['born', 'born', 'born']);
    },
  );

  it('gives a returning student the same id within lostKeepMs (re-identified by embedding)', () => {
    const tracking = defaults('tracking');
    const frames = [
      ...steadyScene(3000),
      // Gone for 5 s, back at another seat.
      ...steadyScene(3000, 'ann', box(420)).map((f) => ({ ...f, tMs: f.tMs + 8000 })),
    ];
    const result = run(makeTracker(), frames, { claims: true });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(result.events.map((e) => `${e.track}:${e.change}`)).toEqual([
      'anon-1:born',
      'anon-1:lost',
      'anon-1:reidentified',
    ]);
    const lost = result.events.find((e) => e.change === 'lost');
    expect(lost?.tMs).toBeGreaterThanOrEqual(2900 + tracking.lostAfterMs);
  });

  it('gives a different student arriving at the same seat a new id', () => {
    const frames = [
      ...steadyScene(3000, 'ann'),
      ...steadyScene(3000, 'cem').map((f) => ({ ...f, tMs: f.tMs + 6000 })),
    ];
    const result = run(makeTracker(), frames, { claims: true });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(idsOf(result, 'cem')).toEqual(['anon-2']);
    expect(result.events.some((e) => e.change === 'reidentified')).toBe(false);
  });

  it('expires a lost track after lostKeepMs and then gives the same face a new id', () => {
    const tracking = defaults('tracking', { lostKeepMs: 4000 });
    const tracker = new EmbeddingTracker({ tracking, expression: defaults('expression') });
    const absentUntil = 2900 + tracking.lostAfterMs + tracking.lostKeepMs + 1000;
    const frames = [
      ...steadyScene(3000),
      // Empty frames while the student is away, so time moves on for the tracker.
      ...Array.from({ length: 40 }, (_, i) => ({ tMs: 3000 + i * 200, faces: [] })),
      ...steadyScene(1000).map((f) => ({ ...f, tMs: f.tMs + absentUntil })),
    ];
    const result = run(tracker, frames, { claims: true });
    expect(result.events.map((e) => `${e.track}:${e.change}`)).toEqual([
      'anon-1:born',
      'anon-1:lost',
      'anon-1:expired',
      'anon-2:born',
    ]);
    const expired = result.events.find((e) => e.change === 'expired');
    expect(expired?.tMs).toBeGreaterThanOrEqual(2900 + tracking.lostAfterMs + tracking.lostKeepMs);
  });

  it('coasts over a short detector miss without lost events', () => {
    const frames = steadyScene(4000).filter((f) => f.tMs < 2000 || f.tMs > 2500);
    const result = run(makeTracker(), frames, { claims: false });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(result.events.map((e) => e.change)).toEqual(['born']);
  });

  it('keeps one id for a face lost for two frames that comes back turned (far embedding)', () => {
    // The same student before and after a fast turn: the turned view is drawn as another person
    // in the bank, i.e. its embedding is as far from the frontal gallery as a stranger's.
    const turned = steadyScene(2000).map((f) => {
      if (f.tMs < 1000) return f;
      if (f.tMs < 1200) return { ...f, faces: [] };
      return { ...f, faces: f.faces.map((face) => ({ ...face, person: 'ann-turned' })) };
    });
    const result = run(makeTracker(), turned, { claims: true });
    expect(idsOf(result, 'ann')).toEqual(['anon-1']);
    expect(idsOf(result, 'ann-turned')).toEqual(['anon-1']);
    expect(result.events.map((e) => `${e.track}:${e.change}`)).toEqual(['anon-1:born']);
  });

  it('does not open a second track on a second, shifted measurement of a tracked face', () => {
    const tracker = makeTracker();
    run(tracker, steadyScene(1000), { claims: true });
    // A tile's detection on the lower part of the face, fitted by FaceMesh: IoU with the face
    // below 0.5, but two thirds of it lies on the face.
    const update = tracker.update(
      [
        { trackId: 'anon-1', box: box(200) },
        { box: { x: 205, y: 130, w: 50, h: 50 }, embedding: new FaceBank(9).sample('ann') },
      ],
      1000,
    );
    expect(update.matches.map((m) => m.trackId)).toEqual(['anon-1']);
    expect(tracker.hints(1100).map((h) => h.id)).toEqual(['anon-1']);
  });

  it('lets only one of two observations claiming the same track continue it', () => {
    const tracker = makeTracker();
    run(tracker, steadyScene(500), { claims: true });
    const update = tracker.update(
      [
        { trackId: 'anon-1', box: box(200) },
        { trackId: 'anon-1', box: box(420) },
      ],
      500,
    );
    expect(update.matches).toHaveLength(1);
    expect(update.matches[0]?.observation.box.x).toBe(200);
    expect(tracker.hints(600).map((h) => h.id)).toEqual(['anon-1', 'pending-2']);
  });

  it('hints expression work per expression.intervalMs, never for tentative faces', () => {
    const expression = defaults('expression', { intervalMs: 500 });
    const tracker = new EmbeddingTracker({ tracking: defaults('tracking'), expression });
    tracker.update([{ box: box(200) }], 0);
    expect(tracker.hints(100)[0]?.needsExpression).toBe(false);
    const probs = new Float32Array(7).fill(1 / 7);
    const id = tracker.hints(100)[0]?.id;
    tracker.update(
      [{ trackId: id, box: box(200), embedding: new FaceBank(3).sample('x'), expression: probs }],
      100,
    );
    expect(tracker.hints(200)[0]).toMatchObject({ id: 'anon-1', needsExpression: false });
    expect(tracker.hints(600)[0]?.needsExpression).toBe(true);
  });
});
