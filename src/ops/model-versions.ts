// What models the box runs, for health and doctor: name → "package@version precision sha256[:8]"
// from models/manifest.json (the same file ModelStore verifies every model against).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestModel, ModelManifest, ModelPrecision } from '../pipeline/model-store.js';

export interface ModelVersion {
  name: string;
  /** package@version the weights came from, without the path inside the package. */
  source: string;
  precision: ModelPrecision;
  /** First 8 hex digits of the file's sha256, or undefined when the manifest has no such build. */
  sha256?: string;
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const path = join(dir, 'manifest.json');
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ModelManifest>;
  if (parsed.version !== 1 || typeof parsed.models !== 'object' || parsed.models === null) {
    throw new Error(`${path}: not a version 1 model manifest with a "models" table`);
  }
  return parsed as ModelManifest;
}

/** `precision`: one for every model, or per model (ModelStore.precisionOf: models.floatModels). */
export function modelVersions(
  manifest: ModelManifest,
  precisionOf: ModelPrecision | ((name: string) => ModelPrecision),
): ModelVersion[] {
  return Object.entries(manifest.models).map(([name, model]: [string, ManifestModel]) => {
    const precision = typeof precisionOf === 'function' ? precisionOf(name) : precisionOf;
    const file = model.files[precision];
    return {
      name,
      source: model.source.split(':')[0] ?? model.source,
      precision,
      ...(file ? { sha256: file.sha256.slice(0, 8) } : {}),
    };
  });
}

/**
 * Compact form for the health payload: ["ssd-mobilenetv1 @vladmandic/face-api@1.7.15 int8 1a2b3c4d"].
 * A list, not a name-keyed object: the privacy guard refuses structured fields named like
 * "face-embedding", and a model name is data here, not a field.
 */
export function modelVersionTable(versions: ModelVersion[]): string[] {
  return versions.map((v) => `${v.name} ${v.source} ${v.precision} ${v.sha256 ?? 'missing'}`);
}
