/**
 * Writes the face-api nets to models/fp32/<name>.onnx (all four, or the names
 * given on the command line). `npm run models` builds these through the shared
 * registry; this entry point rebuilds just the face-api ones:
 *   npx tsx tools/models/face-api/build.ts [ssd-mobilenetv1 face-embedding ...]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../onnx/proto.js';
import { faceApiModels } from './models.js';

export async function buildFaceApiModels(outDir: string, names?: string[]): Promise<string[]> {
  const wanted = names?.length ? new Set(names) : undefined;
  const unknown = names?.filter((n) => !faceApiModels.some((m) => m.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown face-api model(s): ${unknown.join(', ')}`);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const model of faceApiModels) {
    if (wanted && !wanted.has(model.name)) continue;
    const path = join(outDir, `${model.name}.onnx`);
    writeFileSync(path, encodeModel(await model.build()));
    written.push(path);
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const written = await buildFaceApiModels('models/fp32', process.argv.slice(2));
  for (const path of written) process.stdout.write(`${path}\n`);
}
