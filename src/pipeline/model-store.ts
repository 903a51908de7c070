// Opens the shipped ONNX models for the pipeline. Every file is checked against the sha256 and
// size recorded in models/manifest.json before onnxruntime sees it, so a truncated copy or an
// edited file fails at start-up with a message naming the file, not as odd detections later.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from './models.js';

export type ModelPrecision = 'int8' | 'fp32';
export type ModelRole = 'detector' | 'landmarks' | 'iris' | 'embedding' | 'expression';

export interface ModelFileEntry {
  /** Relative to the manifest's directory, e.g. "int8/facemesh.onnx". */
  path: string;
  sha256: string;
  bytes: number;
}

export interface ModelTensorInfo {
  name: string;
  shape: (number | string)[];
  meaning?: string;
}

export interface ManifestModel {
  name: string;
  role: ModelRole;
  /** package@version:inner/path the weights came from. */
  source: string;
  licence: string;
  files: Partial<Record<ModelPrecision, ModelFileEntry>>;
  input: ModelTensorInfo & { layout: string; normalisation: string };
  outputs: ModelTensorInfo[];
  quantisation?: Record<string, unknown>;
}

export interface ModelManifest {
  version: 1;
  models: Record<string, ManifestModel>;
}

export type ModelFileProblem = 'missing' | 'truncated' | 'tampered' | 'unknown-model' | 'manifest';

/** A model file that cannot be trusted; the daemon should stop and say how to fix it. */
export class ModelFileError extends Error {
  constructor(
    readonly problem: ModelFileProblem,
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}; run \`npm run models\` to rebuild the models`);
    this.name = 'ModelFileError';
  }
}

export interface ModelStoreOptions {
  /** Directory holding manifest.json; empty means the models/ folder shipped with classpulse. */
  dir: string;
  precision: ModelPrecision;
  /** Models run from their fp32 file whatever `precision` says (models.floatModels). */
  floatModels?: readonly string[];
  /** Intra-op threads per session. */
  threads: number;
}

export class ModelStore {
  readonly dir: string;
  private readonly precision: ModelPrecision;
  private readonly floatModels: ReadonlySet<string>;
  private readonly threads: number;
  private manifest: ModelManifest | undefined;
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(options: ModelStoreOptions) {
    this.dir = options.dir ? resolve(options.dir) : shippedModelsDir();
    this.precision = options.precision;
    this.floatModels = new Set(options.floatModels ?? []);
    this.threads = options.threads;
  }

  /** The build a model runs from: fp32 for the configured float models, else `precision`. */
  precisionOf(name: string): ModelPrecision {
    return this.floatModels.has(name) ? 'fp32' : this.precision;
  }

  info(name: string): ManifestModel {
    const entry = this.loadManifest().models[name];
    if (!entry) {
      throw new ModelFileError('unknown-model', this.manifestPath(), `no model named "${name}"`);
    }
    return entry;
  }

  /** The verified session for a model; opened once and shared by later calls. */
  session(name: string): Promise<ort.InferenceSession> {
    let pending = this.sessions.get(name);
    if (!pending) {
      pending = this.open(name);
      // A failed open is not cached: the caller may rebuild the file and ask again.
      pending.catch(() => this.sessions.delete(name));
      this.sessions.set(name, pending);
    }
    return pending;
  }

  /** Reads and checks one model file; exported for `doctor`-style checks without a session. */
  verifiedBytes(name: string): Uint8Array {
    const precision = this.precisionOf(name);
    const file = this.info(name).files[precision];
    if (!file) {
      throw new ModelFileError(
        'manifest',
        this.manifestPath(),
        `"${name}" has no ${precision} file`,
      );
    }
    const path = join(this.dir, file.path);
    if (!existsSync(path)) throw new ModelFileError('missing', path, 'model file is missing');
    const bytes = readFileSync(path);
    if (bytes.byteLength < file.bytes) {
      throw new ModelFileError(
        'truncated',
        path,
        `model file is truncated (${bytes.byteLength} of ${file.bytes} bytes)`,
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.byteLength !== file.bytes || sha256 !== file.sha256) {
      throw new ModelFileError(
        'tampered',
        path,
        `model file does not match the manifest (sha256 ${sha256.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…)`,
      );
    }
    return bytes;
  }

  async close(): Promise<void> {
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    for (const result of await Promise.allSettled(pending)) {
      if (result.status === 'fulfilled') await result.value.release();
    }
  }

  private async open(name: string): Promise<ort.InferenceSession> {
    const bytes = this.verifiedBytes(name);
    // Sessions get the verified bytes, never the path: the file cannot change between check and load.
    return ort.InferenceSession.create(bytes, sessionOptions(name, this.threads));
  }

  private manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  private loadManifest(): ModelManifest {
    if (this.manifest) return this.manifest;
    const path = this.manifestPath();
    if (!existsSync(path)) throw new ModelFileError('missing', path, 'model manifest is missing');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new ModelFileError('manifest', path, `manifest is not valid JSON (${String(error)})`);
    }
    if (!isManifest(parsed)) {
      throw new ModelFileError('manifest', path, 'manifest has no "models" table of version 1');
    }
    this.manifest = parsed;
    return parsed;
  }
}

function isManifest(value: unknown): value is ModelManifest {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as { version?: unknown; models?: unknown };
  return record.version === 1 && typeof record.models === 'object' && record.models !== null;
}

/** models/ next to the package.json above this module, in the source tree and in dist/ alike. */
function shippedModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the classpulse package root for models/');
    dir = parent;
  }
  return join(dir, 'models');
}
