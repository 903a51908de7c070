/**
 * Writes human's graph models to models/fp32/<name>.onnx (the registered three, or the names given,
 * which may include the unregistered emotion and faceres):
 *   npx tsx tools/models/human/build.ts [blazeface facemesh iris emotion faceres]
 * `npm run models` builds the registered entries through the shared registry.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../onnx/proto.js';
import { humanExtraModels, humanModels } from './models.js';

export async function buildHumanModels(outDir: string, names?: string[]): Promise<string[]> {
  const all = [...humanModels, ...humanExtraModels];
  const unknown = names?.filter((n) => !all.some((m) => m.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown human model(s): ${unknown.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const chosen = names?.length ? all.filter((m) => names.includes(m.name)) : humanModels;
  for (const model of chosen) {
    const path = join(outDir, `${model.name}.onnx`);
    writeFileSync(path, encodeModel(await model.build()));
    written.push(path);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = await buildHumanModels('models/fp32', process.argv.slice(2));
  for (const path of written) process.stdout.write(`${path}\n`);
}
