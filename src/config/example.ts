// Renders config/classpulse.example.yaml from the schema, so the commented example can never
// drift from the defaults and docs (test/unit/config/example.test.ts compares the two).
import { envName, isLeaf, type Leaf, type Section, schema } from './schema.js';

const HEADER = `# classpulse configuration — every key, its default and what it does.
# Copy to /etc/classpulse/classpulse.yaml and change what you need; keys you leave out keep
# their defaults. Unknown keys are errors (\`classpulse config check FILE\` names them).
# Every key can also be set from the environment: CLASSPULSE_<SECTION>_<KEY>, shown per key.
# Generated from src/config/schema.ts by \`npm run config:example\`: edit the schema, not this file.
`;

function wrap(text: string, indent: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && `${indent}# ${line} ${word}`.length > 100) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

function scalar(value: Leaf['default']): string {
  if (typeof value === 'string') return value === '' ? "''" : JSON.stringify(value);
  return String(value);
}

/** What a rendering varies: the schema, the header and whether keys have environment variables. */
export interface ExampleOptions {
  schema: Section;
  header: string;
  env: boolean;
}

function render(
  node: Section,
  prefix: string,
  depth: number,
  out: string[],
  options: ExampleOptions,
): void {
  const indent = '  '.repeat(depth);
  for (const [key, child] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(child)) {
      out.push(...wrap(child.doc, indent));
      const env = options.env ? `; env: ${envName(path)}` : '';
      out.push(`${indent}#   allowed: ${child.format.allowed}${env}`);
      out.push(`${indent}${key}: ${scalar(child.default)}`);
    } else {
      if (depth === 0) out.push('');
      out.push(`${indent}${key}:`);
      render(child, path, depth + 1, out, options);
    }
  }
}

export function renderExample(
  options: ExampleOptions = { schema, header: HEADER, env: true },
): string {
  const out: string[] = [options.header.trimEnd()];
  render(options.schema, '', 0, out, options);
  return `${out.join('\n')}\n`;
}
