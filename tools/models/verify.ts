// npm run models:check — every file models/manifest.json lists (int8 and fp32) is present with
// its recorded size and sha256. Exit 0 when all are, 1 listing what is missing or different.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import type { ModelManifest } from '../../src/pipeline/model-store.js';

const dir = join(PACKAGE_ROOT, 'models');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
const problems: string[] = [];
let checked = 0;
for (const model of Object.values(manifest.models)) {
  for (const file of Object.values(model.files)) {
    if (!file) continue;
    checked++;
    const path = join(dir, file.path);
    if (!existsSync(path)) {
      problems.push(`${file.path}: missing`);
      continue;
    }
    const bytes = readFileSync(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.byteLength !== file.bytes || sha256 !== file.sha256) {
      problems.push(
        `${file.path}: differs from the manifest (${bytes.byteLength} bytes, sha256 ${sha256.slice(0, 12)}…)`,
      );
    }
  }
}
if (problems.length > 0) {
  process.stderr.write(
    `models: ${problems.length} of ${checked} files not as the manifest says:\n  ${problems.join('\n  ')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`models: all ${checked} files match models/manifest.json\n`);
