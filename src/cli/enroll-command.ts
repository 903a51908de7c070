// `classpulse enroll --id <student-id> <photo or folder>... [--config FILE]`: embeddings of the
// photos, computed on the device, replace the student's entry in the gallery (identity.gallery).
// Every photo must hold exactly one usable face; if any does not, each such file is named and
// nothing is written. Exit codes: 0 enrolled, 1 a photo was refused, 64 usage, 66 a path is
// missing, 78 invalid config, models or gallery (corrupt, other model version).
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { embeddingModelId } from '../identity/embedding-model.js';
import { Enroller, listPhotos } from '../identity/enroller.js';
import { GalleryError, studentIdProblem } from '../identity/gallery-format.js';
import { GalleryStore, galleryPath } from '../identity/gallery-store.js';
import { nearestStudent } from '../identity/matching.js';
import { silentLogger } from '../log/logger.js';
import { ModelFileError } from '../pipeline/model-store.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { openModels } from '../runtime/wiring.js';
import { reportConfigError } from './config-command.js';
import { ProgressBar, type ProgressOut } from './progress-bar.js';

export interface EnrollArgs {
  id: string;
  paths: string[];
  config?: string;
}

export interface CommandStreams {
  out?: ProgressOut;
  err?: ProgressOut;
}

export async function enrollCommand(
  args: EnrollArgs,
  streams: CommandStreams = {},
): Promise<ExitCodeValue> {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  const idProblem = studentIdProblem(args.id);
  if (idProblem) {
    err.write(`classpulse enroll: ${idProblem}\n`);
    return ExitCode.usage;
  }
  if (args.paths.length === 0) {
    err.write('classpulse enroll: give at least one photo or folder after --id <student-id>\n');
    return ExitCode.usage;
  }
  const photos = listPhotos(args.paths);
  if (photos.problems.length > 0) {
    for (const p of photos.problems) err.write(`classpulse enroll: ${p.path}: ${p.problem}\n`);
    return ExitCode.noInput;
  }
  let config: Config;
  try {
    ({ config } = loadConfig(args.config ? { file: args.config } : {}));
  } catch (error) {
    return reportConfigError(error);
  }
  try {
    const models = openModels(config);
    const gallery = new GalleryStore({
      file: galleryPath(config),
      model: embeddingModelId(models),
    });
    // Read (and check) the gallery before the slow part, so a bad one fails at once.
    gallery.load();
    const pipeline = new Pipeline({
      detection: config.detection,
      expression: { ...config.expression, enabled: false },
      models,
      logger: silentLogger(),
    });
    await pipeline.init();
    const enroller = new Enroller({ pipeline });
    const bar = photos.fromFolder
      ? new ProgressBar({ out: err, total: photos.files.length })
      : undefined;
    const embeddings: Float32Array[] = [];
    const refused: string[] = [];
    for (const file of photos.files) {
      const result = await enroller.embedPhoto(file);
      if (result.ok) embeddings.push(result.embedding);
      else refused.push(`${file}: ${result.problem}`);
      bar?.advance(file);
    }
    bar?.finish();
    if (refused.length > 0) {
      for (const r of refused) err.write(`classpulse enroll: ${r}\n`);
      err.write(
        `classpulse enroll: ${refused.length} of ${photos.files.length} photo(s) refused; ` +
          `nothing was written: remove or replace them and run again\n`,
      );
      return ExitCode.failure;
    }
    // The same face under two ids would make the vote flip between them: say so (not refused,
    // twins exist), naming the closest photo.
    const others = gallery.load().filter((s) => s.id !== args.id);
    for (const [i, embedding] of embeddings.entries()) {
      const match = nearestStudent(embedding, others);
      if (match && match.distance <= config.identity.matchDistance) {
        err.write(
          `classpulse enroll: warning: ${photos.files[i]} looks like enrolled student ` +
            `"${match.studentId}" (distance ${match.distance.toFixed(2)} ≤ identity.matchDistance ` +
            `${config.identity.matchDistance}): the same person under two ids?\n`,
        );
      }
    }
    let replaced = false;
    gallery.update((students) => {
      replaced = students.some((s) => s.id === args.id);
      return [
        ...students.filter((s) => s.id !== args.id),
        { id: args.id, enrolledAt: new Date().toISOString(), embeddings },
      ];
    });
    out.write(
      `${replaced ? 're-enrolled' : 'enrolled'} ${args.id}: ${embeddings.length} photo(s) → ` +
        `${gallery.file} (embeddings only)\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof GalleryError || error instanceof ModelFileError) {
      err.write(`classpulse enroll: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  }
}
