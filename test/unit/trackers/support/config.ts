// Config slices for the trackers built from the schema defaults, with per-test overrides.
import { type Config, isLeaf, schema } from '../../../../src/config/schema.js';

type TrackerSection = 'tracking' | 'blink' | 'headTurn' | 'expression';

export function defaults<K extends TrackerSection>(
  section: K,
  overrides: Partial<Config[K]> = {},
): Config[K] {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema[section])) {
    if (isLeaf(node)) out[key] = node.default;
  }
  return { ...out, ...overrides } as Config[K];
}
