// `classpulse analyze PATH… [--json] [--annotate DIR] [--fps N] [--until S] [--config FILE]`: what
// the box's perception sees in photos, folders (recursively) and videos, face by face, with a
// placement verdict for the technician (docs/analyze.md). Runs the daemon's models with the
// daemon's config; reads the gallery but never writes it; nothing leaves the machine, and no image
// is written unless --annotate names a folder. Exit codes: 0 every file analysed, 66 some file
// could not be (missing, unreadable, corrupt, unsupported; the others are still reported),
// 64 usage, 78 invalid config, models or gallery.
import { extname } from 'node:path';
import { AnalyzeInputError, Analyzer } from '../analyze/analyzer.js';
import { Annotator } from '../analyze/annotator.js';
import { EXPRESSION_MIN_FACE_PX, type SizeLimits } from '../analyze/face-report.js';
import type { AnalyzeReport, FileReport } from '../analyze/file-report.js';
import { renderReport } from '../analyze/report-table.js';
import { IMAGE_EXTENSIONS, listMediaFiles, VIDEO_EXTENSIONS } from '../capture/media-files.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { embeddingModelId } from '../identity/embedding-model.js';
import { GalleryStore, galleryPath } from '../identity/gallery-store.js';
import { createLogger } from '../log/logger.js';
import { buildPipeline, isStartupConfigError, openModels } from '../runtime/wiring.js';
import { reportConfigError } from './config-command.js';
import type { CommandStreams } from './enroll-command.js';
import { ProgressBar } from './progress-bar.js';

export interface AnalyzeArgs {
  paths: string[];
  json: boolean;
  annotate?: string | undefined;
  config?: string | undefined;
  /** Video frame budget; default camera.fps (what the daemon processes). */
  fps?: number | undefined;
  /** Videos: stop before this media time (ms). */
  untilMs?: number | undefined;
}

type Kind = 'image' | 'video';

function kindOf(file: string): Kind | undefined {
  const ext = extname(file).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image';
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return undefined;
}

export async function analyzeCommand(
  args: AnalyzeArgs,
  streams: CommandStreams = {},
): Promise<ExitCodeValue> {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  let config: Config;
  try {
    ({ config } = loadConfig(args.config ? { file: args.config } : {}));
  } catch (error) {
    return reportConfigError(error);
  }
  const limits: SizeLimits = {
    eyesMinFacePx: config.blink.minFacePx,
    expressionMinFacePx: EXPRESSION_MIN_FACE_PX,
  };
  const listed = listMediaFiles(args.paths, {
    extensions: [...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS],
    recursive: true,
    noun: 'image or video',
  });
  const failed: FileReport[] = listed.problems.map((p) => ({
    file: p.path,
    ok: false,
    error: p.problem,
  }));
  const jobs: Array<{ file: string; kind: Kind }> = [];
  for (const file of listed.files) {
    const kind = kindOf(file);
    if (kind) jobs.push({ file, kind });
    else
      failed.push({
        file,
        ok: false,
        error:
          `unsupported file type "${extname(file) || '(none)'}"; analyze reads ` +
          `${[...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS].join(' ')}`,
      });
  }
  for (const f of failed) if (!f.ok) err.write(`classpulse analyze: ${f.file}: ${f.error}\n`);

  const results: FileReport[] = [...failed];
  let enrolled = 0;
  if (jobs.length > 0) {
    // stdout is the report: logs (warnings and worse) go to stderr.
    const logger = createLogger({ log: { ...config.log, level: 'warn' }, destination: 'stderr' });
    const models = openModels(config);
    try {
      const students = new GalleryStore({
        file: galleryPath(config),
        model: embeddingModelId(models),
      }).load();
      enrolled = students.length;
      const pipeline = await buildPipeline(config, logger, models, { describeEveryFace: true });
      const analyzer = new Analyzer({
        config,
        pipeline,
        students,
        limits,
        logger,
        annotator: args.annotate ? new Annotator({ dir: args.annotate, limits }) : undefined,
      });
      const bar =
        listed.fromFolder || jobs.length > 1
          ? new ProgressBar({ out: err, total: jobs.length, name: 'analyze' })
          : undefined;
      for (const [i, { file, kind }] of jobs.entries()) {
        if (i === 0) bar?.step(file);
        const progress = new VideoProgress(err, file);
        try {
          results.push(
            kind === 'image'
              ? await analyzer.image(file)
              : await analyzer.video(file, {
                  fps: args.fps ?? config.camera.fps,
                  untilMs: args.untilMs,
                  onFrame: (expected) => progress.frame(expected),
                }),
          );
        } catch (error) {
          if (!(error instanceof AnalyzeInputError)) throw error;
          err.write(`classpulse analyze: ${file}: ${error.message}\n`);
          results.push({ file, ok: false, error: error.message });
        } finally {
          progress.end();
        }
        const next = jobs[i + 1];
        if (next) bar?.advance(next.file);
        else bar?.tick();
      }
      bar?.finish();
    } catch (error) {
      if (isStartupConfigError(error)) {
        err.write(`classpulse analyze: ${error.message}\n`);
        return ExitCode.config;
      }
      throw error;
    } finally {
      await models.close();
    }
  }

  // Files in the order they were named (failures where they were found).
  const order = new Map(
    [...listed.problems.map((p) => p.path), ...listed.files].map((f, i) => [f, i]),
  );
  results.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
  const failures = results.filter((r) => !r.ok).length;
  const report: AnalyzeReport = {
    v: 1,
    limits: { ...limits, matchDistance: config.identity.matchDistance },
    enrolledStudents: enrolled,
    files: results,
    summary: {
      files: results.length,
      failed: failures,
      faces: results.reduce((n, r) => n + (r.ok ? r.faceCount : 0), 0),
    },
  };
  out.write(args.json ? `${JSON.stringify(report)}\n` : renderReport(report));
  return failures > 0 ? ExitCode.noInput : ExitCode.ok;
}

/** A video's own bar, on a terminal only (a pipe gets the per-file lines, not one per frame). */
class VideoProgress {
  private bar: ProgressBar | undefined;

  constructor(
    private readonly err: NonNullable<CommandStreams['err']>,
    private readonly file: string,
  ) {}

  frame(expectedFrames: number): void {
    if (!this.err.isTTY || !(expectedFrames > 0)) return;
    if (!this.bar) {
      this.bar = new ProgressBar({ out: this.err, total: expectedFrames, name: 'analyze' });
      this.bar.step(this.file);
    }
    this.bar.tick();
  }

  end(): void {
    this.bar?.finish();
  }
}
