/**
 * First stage of `npm run models`: every registry entry (or the names given) -> models/fp32/<name>.onnx.
 *   npx tsx tools/models/build-fp32.ts [name ...]
 * Builds read only what npm packages ship in node_modules; nothing is downloaded.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from './onnx/proto.js';
import { type ModelEntry, registry } from './registry.js';

export interface BuiltModel {
  entry: ModelEntry;
  path: string;
  bytes: number;
}

/** Builds `names` (every entry when none are given) from `entries` (the registry by default). */
export async function buildFp32(
  names?: string[],
  outDir = 'models/fp32',
  entries: readonly ModelEntry[] = registry,
): Promise<BuiltModel[]> {
  const unknown = names?.filter((n) => !entries.some((m) => m.name === n)) ?? [];
  if (unknown.length > 0) {
    const known = entries.map((m) => m.name).join(', ');
    throw new Error(`unknown model(s): ${unknown.join(', ')} (known: ${known})`);
  }
  mkdirSync(outDir, { recursive: true });
  const built: BuiltModel[] = [];
  for (const entry of entries) {
    if (names?.length && !names.includes(entry.name)) continue;
    const model = await entry.build();
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const path = join(outDir, `${entry.name}.onnx`);
    writeFileSync(path, bytes);
    built.push({ entry, path, bytes: bytes.byteLength });
  }
  return built;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const b of await buildFp32(process.argv.slice(2))) {
    process.stdout.write(`${b.path} (${(b.bytes / 1e6).toFixed(1)} MB, ${b.entry.source})\n`);
  }
}
