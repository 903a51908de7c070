/**
 * Writes human's graph models to models/fp32/<name>.onnx (all, or the names given):
 *   npx tsx tools/models/human/build.ts [blazeface facemesh iris]
 * `npm run models` builds the same entries through the shared registry.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../onnx/proto.js';
import { humanModels } from './models.js';

export async function buildHumanModels(outDir: string, names?: string[]): Promise<string[]> {
  const unknown = names?.filter((n) => !humanModels.some((m) => m.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown human model(s): ${unknown.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const model of humanModels) {
    if (names?.length && !names.includes(model.name)) continue;
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
