// npm run config:example — rewrites config/classpulse.example.yaml from the schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderExample } from '../src/config/example.js';
import { PACKAGE_ROOT } from '../src/config/load.js';

const target = join(PACKAGE_ROOT, 'config', 'classpulse.example.yaml');
writeFileSync(target, renderExample());
process.stdout.write(`wrote ${target}\n`);
