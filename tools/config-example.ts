// npm run config:example — rewrites config/classpulse.example.yaml and config/hub.example.yaml
// from their schemas.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderExample } from '../src/config/example.js';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { renderHubExample } from '../src/hub/hub-example.js';

for (const [name, text] of [
  ['classpulse.example.yaml', renderExample()],
  ['hub.example.yaml', renderHubExample()],
] as const) {
  const target = join(PACKAGE_ROOT, 'config', name);
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
