// One face, one track, through the daemon's real perception (models, pipeline, trackers) on real
// clips of one person turning their head fast (../shared/media/turns, see its README; referenced,
// never copied). Each clip shows one person the whole time, so every id beyond the first is a
// phantom. Two ways a phantom was born before the fix:
// - the face is lost for two frames mid-turn (here: a grey "hand" painted over it) and comes back
//   turned: its embedding was far from the frontal gallery, the track let go of it and a second
//   track was born on the same face;
// - a second, shifted measurement of the face (a tile's detection followed by FaceMesh) lay mostly
//   on the tracked face but overlapped it by IoU < 0.5 and became a track of its own, with turns.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cv } from '../../../src/capture/cv.js';
import type { Frame } from '../../../src/capture/frame.js';
import { loadConfig } from '../../../src/config/load.js';
import type { Event, EventOf } from '../../../src/events/types.js';
import { silentLogger } from '../../../src/log/logger.js';
import { buildPerception, openModels } from '../../../src/runtime/wiring.js';
import { replayClip } from '../../../tools/eval/replay-clip.js';

const TURNS = join(import.meta.dirname, '../../../../shared/media/turns');
const MMPHEGO = join(TURNS, 'mmphego_webcam_demo.mp4');
const MEDIAPIPE = join(TURNS, 'mediapipe_iris_example.gif');
const config = loadConfig({ file: '/dev/null', env: {} }).config;
const models = openModels(config);

const born = (events: Event[]): string[] =>
  events
    .filter((e): e is EventOf<'track'> => e.type === 'track' && e.change === 'born')
    .map((e) => e.track);
const turnTracks = (events: Event[]): string[] => [
  ...new Set(events.filter((e): e is EventOf<'turn'> => e.type === 'turn').map((e) => e.track)),
];

describe.skipIf(!existsSync(MMPHEGO) || !existsSync(MEDIAPIPE))('one face, one track', () => {
  afterAll(async () => {
    await models.close();
  });

  it('a face covered for two frames during a fast turn comes back as the same track', async () => {
    // mmphego: turns to their own left from about 1.1 s. The face lies within x 440-770,
    // y 180-550 (landmark boxes) then; the "hand" covers it on two processed frames from 1.5 s.
    const hand = new cv.Rect(380, 120, 460, 480);
    // A 10 fps budget (the default before 15, and a setting users choose on slow boxes): at 15 fps
    // this covering happens not to lose the track, at 10 it did.
    const frameMs = 1000 / 10;
    const coverFromMs = 1500;
    const coverToMs = coverFromMs + 2 * frameMs;
    const perception = await buildPerception(config, silentLogger(), models);
    const capture = new cv.VideoCapture(MMPHEGO);
    const fps = capture.get(cv.CAP_PROP_FPS);
    const events: Event[] = [];
    let nextMs = 0;
    let covered = 0;
    for (let index = 0; ; index++) {
      const image = capture.read();
      if (image.empty) break;
      const tMs = (index * 1000) / fps;
      // The frame budget on media time, as the daemon keeps frames.
      if (tMs < nextMs) continue;
      nextMs += frameMs;
      if (tMs >= coverFromMs && tMs < coverToMs) {
        image.drawRectangle(hand, new cv.Vec3(128, 128, 128), -1);
        covered++;
      }
      const frame: Frame = { seq: index, tMs, width: image.cols, height: image.rows, image };
      events.push(...(await perception.process(frame)).events);
    }
    expect(covered).toBe(2);
    // Measured before the fix: anon-1 and anon-2 (born at 1.82 s on the same face).
    expect(born(events)).toEqual(['anon-1']);
    expect(turnTracks(events)).toEqual(['anon-1']);
  }, 300_000);

  it('a second, shifted measurement of the face opens no second track (detection.tiles 3)', async () => {
    // Every frame of the clip; with 3×3 tiles a tile sees part of the face. Measured before the
    // fix: anon-1 and anon-2, and anon-2 counted head turns of its own.
    const run = await replayClip({
      config: { ...config, detection: { ...config.detection, tiles: 3 } },
      video: MEDIAPIPE,
      models,
      logger: silentLogger(),
    });
    expect(run.tracksBorn).toEqual(['anon-1']);
    expect(turnTracks(run.events)).toEqual(['anon-1']);
  }, 300_000);
});
