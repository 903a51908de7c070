// A config as it may be shown (`config show`, the hub's settings page): every sensitive leaf that
// has a value replaced by asterisks.
import { leaves, type Section, schema } from './schema.js';

export function maskSensitive<T extends object>(config: T, root: Section = schema): T {
  const shown = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const [path, node] of leaves(root)) {
    if (!node.sensitive) continue;
    const parts = path.split('.');
    const key = parts.pop() as string;
    const holder = parts.reduce<Record<string, unknown> | undefined>(
      (obj, part) => obj?.[part] as Record<string, unknown> | undefined,
      shown,
    );
    if (holder?.[key]) holder[key] = '********';
  }
  return shown as T;
}
