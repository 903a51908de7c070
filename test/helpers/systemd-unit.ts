// The shipped systemd unit read as `Section.Key` → values (a key may repeat, e.g. Environment=),
// comments and blank lines skipped. The unit test checks it; the soak runs the daemon with its
// Environment= lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const UNIT_FILE = join(import.meta.dirname, '../../systemd/classpulse.service');

export function parseUnit(text: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header?.[1]) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    keys.set(key, [...(keys.get(key) ?? []), line.slice(eq + 1)]);
  }
  return keys;
}

/** The unit's `Environment=KEY=VALUE` lines as variables. */
export function unitEnvironment(file = UNIT_FILE): Record<string, string> {
  const lines = parseUnit(readFileSync(file, 'utf8')).get('Service.Environment') ?? [];
  return Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
