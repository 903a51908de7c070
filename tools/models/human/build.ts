/**
 * Writes human's graph models to models/fp32/<name>.onnx (the registered three, or the names given,
 * which may include the unregistered emotion and faceres):
 *   npx tsx tools/models/human/build.ts [blazeface facemesh iris emotion faceres]
 * `npm run models` builds the registered entries through the shared registry.
 */
import { buildFp32 } from '../build-fp32.js';
import { humanExtraModels, humanModels } from './models.js';

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2);
  const built = await buildFp32(
    names.length > 0 ? names : humanModels.map((m) => m.name),
    'models/fp32',
    [...humanModels, ...humanExtraModels],
  );
  for (const b of built) process.stdout.write(`${b.path}\n`);
}
