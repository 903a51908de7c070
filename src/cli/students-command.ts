// `classpulse students list | erase <id> | erase --all [--config FILE]`. Erase removes every trace
// the device keeps of a student: the gallery entry and the kept samples (a running daemon reloads
// the gallery and drops the student's live state, see docs/identity.md). Exit codes: 0 done,
// 1 nothing to erase, 64 usage, 78 invalid config or gallery (never rewritten when unreadable).
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { embeddingModelId } from '../identity/embedding-model.js';
import { GalleryError, studentIdProblem } from '../identity/gallery-format.js';
import { GalleryStore, galleryPath } from '../identity/gallery-store.js';
import { SampleStore } from '../identity/sample-store.js';
import { ModelFileError } from '../pipeline/model-store.js';
import { openModels } from '../runtime/wiring.js';
import { reportConfigError } from './config-command.js';
import type { CommandStreams } from './enroll-command.js';

export interface StudentsArgs {
  action: 'list' | 'erase';
  id?: string;
  all?: boolean;
  config?: string;
}

/** <device.stateDir>/samples: where opt-in kept samples live. */
export function samplesDir(config: Pick<Config, 'device'>): string {
  return join(config.device.stateDir, 'samples');
}

export async function studentsCommand(
  args: StudentsArgs,
  streams: CommandStreams = {},
): Promise<ExitCodeValue> {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  if (args.action === 'erase' && (args.all ? args.id !== undefined : args.id === undefined)) {
    err.write('classpulse students: erase takes one student id, or --all\n');
    return ExitCode.usage;
  }
  const idProblem = args.id === undefined ? undefined : studentIdProblem(args.id);
  if (idProblem) {
    err.write(`classpulse students: ${idProblem}\n`);
    return ExitCode.usage;
  }
  let config: Config;
  try {
    ({ config } = loadConfig(args.config ? { file: args.config } : {}));
  } catch (error) {
    return reportConfigError(error);
  }
  try {
    const gallery = new GalleryStore({
      file: galleryPath(config),
      model: embeddingModelId(openModels(config)),
    });
    const samples = new SampleStore({ identity: config.identity, dir: samplesDir(config) });
    const students = gallery.load();
    if (args.action === 'list') {
      out.write(`${students.length} student(s) enrolled in ${gallery.file}\n`);
      for (const s of students) {
        out.write(
          `${s.id}\t${s.embeddings.length} photo(s)\tenrolled ${s.enrolledAt}\t` +
            `${samples.list(s.id).length} kept sample(s)\n`,
        );
      }
      const permissions = gallery.permissionsProblem();
      if (permissions) err.write(`classpulse students: warning: ${gallery.file} ${permissions}\n`);
      return ExitCode.ok;
    }
    if (args.all) {
      gallery.save([]);
      const kept = samples.eraseAll();
      out.write(`erased all ${students.length} student(s) and ${kept} kept sample(s)\n`);
      return ExitCode.ok;
    }
    const id = args.id as string;
    const enrolled = students.some((s) => s.id === id);
    if (enrolled) gallery.save(students.filter((s) => s.id !== id));
    const kept = samples.erase(id);
    if (!enrolled && kept === 0) {
      err.write(`classpulse students: "${id}" is not enrolled and has no kept samples\n`);
      return ExitCode.failure;
    }
    out.write(
      `erased ${id}: ${enrolled ? 'gallery entry' : 'no gallery entry'}, ${kept} kept sample(s)\n`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof GalleryError || error instanceof ModelFileError) {
      err.write(`classpulse students: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  }
}
