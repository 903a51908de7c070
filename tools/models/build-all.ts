/**
 * `npm run models`: rebuilds every shipped model from what npm packages ship in node_modules —
 * fp32 conversion, static int8 quantisation, then models/manifest.json. Deterministic: the same
 * node_modules give the same bytes (single-threaded calibration, fixed picture list).
 *   npx tsx tools/models/build-all.ts [--int8-only] [name ...]
 * --int8-only re-quantises the fp32 files already in models/fp32 (no conversion).
 */
import { join } from 'node:path';
import { buildFp32 } from './build-fp32.js';
import { manifestEntry, quantisationDetails, readManifest, writeManifest } from './manifest.js';
import { buildInt8 } from './quantize/build-int8.js';
import { registry } from './registry.js';

const MODELS_DIR = 'models';

export interface BuildAllOptions {
  names: string[];
  /** Skip the fp32 conversion and quantise the files already in models/fp32. */
  int8Only: boolean;
  log: (line: string) => void;
}

export async function buildAll(options: BuildAllOptions): Promise<void> {
  const { names, log } = options;
  const wanted = names.length > 0 ? names : registry.map((entry) => entry.name);
  const started = Date.now();
  if (!options.int8Only) {
    const built = await buildFp32(wanted, join(MODELS_DIR, 'fp32'));
    for (const b of built) log(`fp32 ${b.path} (${(b.bytes / 1e6).toFixed(1)} MB)`);
  }
  const records = await buildInt8(wanted, {
    fp32Dir: join(MODELS_DIR, 'fp32'),
    int8Dir: join(MODELS_DIR, 'int8'),
    log: (line) => log(`int8 ${line}`),
  });
  // The manifest always lists every registry model, so a partial rebuild keeps the others.
  const previous = readManifest(MODELS_DIR);
  const entries = registry.map((entry) => {
    const record = records.find((r) => r.name === entry.name);
    const quantisation = record
      ? quantisationDetails(record)
      : previous?.models[entry.name]?.quantisation;
    return manifestEntry(MODELS_DIR, entry, quantisation);
  });
  writeManifest(MODELS_DIR, entries);
  log(
    `manifest ${join(MODELS_DIR, 'manifest.json')} (${entries.length} models, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  await buildAll({
    names: args.filter((a) => !a.startsWith('--')),
    int8Only: args.includes('--int8-only'),
    log: (line) => process.stdout.write(`${line}\n`),
  });
}
