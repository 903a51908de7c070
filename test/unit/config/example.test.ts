import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderExample } from '../../../src/config/example.js';
import { leaves } from '../../../src/config/schema.js';

describe('config/classpulse.example.yaml', () => {
  const file = join(import.meta.dirname, '../../../config/classpulse.example.yaml');

  it('is exactly what the schema renders (run `npm run config:example` after a schema change)', () => {
    expect(readFileSync(file, 'utf8')).toBe(renderExample());
  });

  it('documents every key with its environment variable', () => {
    const text = readFileSync(file, 'utf8');
    for (const [path] of leaves()) {
      const key = path.split('.').pop() as string;
      expect(text, path).toMatch(new RegExp(`^\\s*${key}: `, 'm'));
    }
    expect(text).toContain('env: CLASSPULSE_IDENTITY_GALLERY');
    expect(text).toContain('env: CLASSPULSE_MQTT_TLS_REJECT_UNAUTHORIZED');
  });
});
