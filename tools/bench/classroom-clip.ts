// npx tsx tools/bench/classroom-clip.ts [--faces 30] [--seconds 20] [--fps 10] [--out .cache/classroom-30.avi]
// Writes the bench's synthetic classroom (real face crops from the face-api samples, swaying by a
// pixel or two) as a 1280×720 MJPG video (10 fps unless --fps), for a daemon-level soak at classroom scale:
//   npm run soak -- --minutes 30 --clip .cache/classroom-30.avi --size 1280x720
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ClassroomScene,
  cropFaces,
  layoutClassroom,
  SCENE_HEIGHT_PX,
  SCENE_WIDTH_PX,
} from '../../src/bench/classroom-scene.js';
import { sampleStills } from '../../src/bench/real-frames.js';
import { cv } from '../../src/capture/cv.js';
import { sectionDefaults } from '../../src/config/schema.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { Fp32Directory } from '../../src/pipeline/models.js';

const ROOT = join(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '20' },
    fps: { type: 'string', default: '10' },
    out: { type: 'string', default: '.cache/classroom-30.avi' },
  },
});
const faces = Number(values.faces);
const FPS = Number(values.fps);
const frames = Math.round(Number(values.seconds) * FPS);
if (!(faces >= 1) || !(frames >= 1) || !(FPS > 0)) {
  process.stderr.write(
    'usage: classroom-clip.ts [--faces N] [--seconds S] [--fps F] [--out FILE]\n',
  );
  process.exit(64);
}
// The bench's crops: faces the fp32 SSD finds in the face-api samples.
const detector = new FaceDetector({
  detection: sectionDefaults('detection'),
  models: new Fp32Directory({ dir: join(ROOT, 'models/fp32'), threads: 1 }),
});
await detector.init();
const stills = sampleStills();
const found = new Map<string, Awaited<ReturnType<FaceDetector['detect']>>>();
for (const still of stills) found.set(still.name, await detector.detect(still.image));
const scene = new ClassroomScene(
  layoutClassroom(
    cropFaces(stills, (s) => found.get(s.name) ?? []),
    faces,
  ),
);
const out = join(ROOT, values.out);
mkdirSync(dirname(out), { recursive: true });
const writer = new cv.VideoWriter(
  out,
  cv.VideoWriter.fourcc('MJPG'),
  FPS,
  new cv.Size(SCENE_WIDTH_PX, SCENE_HEIGHT_PX),
);
for (let i = 0; i < frames; i++) writer.write(scene.render(i));
writer.release();
process.stdout.write(`${out}: ${faces} faces, ${frames} frames at ${FPS} fps\n`);
