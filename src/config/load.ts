// Loads defaults ← YAML file ← CLASSPULSE_* environment, validates every key against the schema
// and reports *all* problems at once, each with its path, value, what is allowed and where it came
// from. convict holds the schema and performs the final strict validation.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import convict from 'convict';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { defaultBaseTopic } from '../publish/topics.js';
import { crossChecks } from './cross-checks.js';
import { ConfigError, type ConfigIssue, nearest } from './issues.js';
import { type Config, envName, isLeaf, type Leaf, leaves, type Section, schema } from './schema.js';

const DEFAULT_CONFIG_PATH = '/etc/classpulse/classpulse.yaml';
/** Root of the installed package (holds models/, config/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The installed package's version (package.json). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export interface LoadOptions {
  /** YAML file; undefined means DEFAULT_CONFIG_PATH when it exists, else defaults + environment. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface Loaded {
  config: Config;
  /** The file actually read, if any. */
  file?: string;
}

type Tree = Record<string, unknown>;

export function loadConfig(options: LoadOptions = {}): Loaded {
  const env = options.env ?? process.env;
  const file = options.file ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  const issues: ConfigIssue[] = [];
  const sources = new Map<string, string>();

  const fromFile = file ? readYaml(file, sources) : {};
  checkShape(fromFile, schema, '', issues, sources);
  const fromEnv = readEnv(env, issues, sources);

  const merged = mergeLeaves({ root: schema, fromFile, fromEnv, sources, issues });
  if (issues.length === 0) issues.push(...crossChecks(merged as unknown as Config, sources));
  if (issues.length > 0) throw new ConfigError(issues);

  readSecrets(merged, issues, sources);
  if (issues.length > 0) throw new ConfigError(issues);
  derive(merged);

  // Final guard: convict's own strict validation over the same schema.
  const store = convict(schema as unknown as convict.Schema<Tree>);
  store.load(merged);
  store.validate({ allowed: 'strict' });
  return { config: store.getProperties() as unknown as Config, ...(file ? { file } : {}) };
}

/**
 * Every leaf of `root` from the environment, else the file, else its default, each checked by its
 * format; a bad value becomes an issue naming where it came from.
 */
export function mergeLeaves(input: {
  root: Section;
  fromFile: Tree;
  fromEnv?: Map<string, unknown>;
  sources: Map<string, string>;
  issues: ConfigIssue[];
}): Tree {
  const { root, fromFile, sources, issues } = input;
  const merged: Tree = {};
  for (const [path, node] of leaves(root)) {
    const value = input.fromEnv?.get(path) ?? getPath(fromFile, path) ?? node.default;
    setPath(merged, path, value);
    try {
      node.format(value);
    } catch {
      // The check only says "must be …"; the issue carries the same words as `allowed`.
      issues.push({
        path,
        problem: 'invalid value',
        value,
        allowed: node.format.allowed,
        ...(sources.has(path) ? { source: sources.get(path) } : {}),
      });
    }
  }
  return merged;
}

/** Parses a YAML config file, remembering the file:line of every key in `sources`. */
export function readYaml(file: string, sources: Map<string, string>): Tree {
  let textContent: string;
  try {
    textContent = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { path: '(file)', problem: `cannot read ${file}: ${(error as Error).message}` },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(textContent, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: '(yaml)',
        problem: e.message.split('\n')[0] ?? e.message,
        source: `${file}:${lineCounter.linePos(e.pos[0]).line}`,
      })),
    );
  }
  const root = doc.contents;
  if (root !== null && !isMap(root) && !(isScalar(root) && root.value === null)) {
    throw new ConfigError([
      { path: '(file)', problem: 'the top level must be a mapping of sections', source: file },
    ]);
  }
  // Remember the line of every key so issues can point at it.
  const walk = (node: unknown, prefix: string): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = prefix ? `${prefix}.${key}` : key;
      const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const line = offset === undefined ? '?' : lineCounter.linePos(offset).line;
      sources.set(path, `${file}:${line}`);
      walk(pair.value, path);
    }
  };
  walk(root, '');
  return (doc.toJS() as Tree | null) ?? {};
}

/** Unknown keys and sections given as scalars; `root` is the schema nearest-key hints search. */
export function checkShape(
  tree: Tree,
  node: Section,
  prefix: string,
  issues: ConfigIssue[],
  sources: Map<string, string>,
  root: Section = schema,
): void {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const child = node[key];
    const source = sources.get(path);
    if (child === undefined) {
      const guess = nearest(key, Object.keys(node));
      const anywhere = guess
        ? undefined
        : nearest(
            path,
            leaves(root).map(([p]) => p),
          );
      const suggestion = guess ? (prefix ? `${prefix}.${guess}` : guess) : anywhere;
      issues.push({
        path,
        problem: prefix ? `unknown key in section "${prefix}"` : 'unknown section',
        ...(suggestion ? { hint: `did you mean ${suggestion}?` } : {}),
        ...(source ? { source } : {}),
      });
    } else if (!isLeaf(child)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        issues.push({
          path,
          problem: 'must be a section (a mapping of keys)',
          value,
          allowed: Object.keys(child).join(', '),
          ...(source ? { source } : {}),
        });
      } else {
        checkShape(value as Tree, child, path, issues, sources, root);
      }
    }
  }
}

function readEnv(
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  sources: Map<string, string>,
): Map<string, unknown> {
  const byName = new Map(leaves().map(([path, node]) => [envName(path), { path, node }]));
  const out = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('CLASSPULSE_') || raw === undefined) continue;
    const entry = byName.get(name);
    if (!entry) {
      const guess = nearest(name, byName.keys());
      issues.push({
        path: name,
        problem: 'unknown environment variable',
        ...(guess ? { hint: `did you mean ${guess}?` } : {}),
      });
      continue;
    }
    out.set(entry.path, coerce(raw, entry.node));
    sources.set(entry.path, `env ${name}`);
  }
  return out;
}

/** Environment values are strings: read them as the type the key's default has. */
function coerce(raw: string, node: Leaf): unknown {
  const trimmed = raw.trim();
  if (typeof node.default === 'number') {
    const n = Number(trimmed);
    return trimmed !== '' && Number.isFinite(n) ? n : raw;
  }
  if (typeof node.default === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
    return raw;
  }
  return raw;
}

/** `…File` keys hold secrets in files (readable only by the daemon's user); the hub's too. */
export function readSecrets(tree: Tree, issues: ConfigIssue[], sources: Map<string, string>): void {
  const passwordFile = getPath(tree, 'mqtt.passwordFile') as string;
  if (passwordFile) {
    try {
      setPath(tree, 'mqtt.password', readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, ''));
    } catch (error) {
      const source = sources.get('mqtt.passwordFile');
      issues.push({
        path: 'mqtt.passwordFile',
        problem: `cannot read the password file: ${(error as Error).message}`,
        value: passwordFile,
        ...(source ? { source } : {}),
      });
    }
  }
}

function derive(tree: Tree): void {
  const get = (path: string) => getPath(tree, path) as string;
  if (!get('mqtt.baseTopic'))
    setPath(tree, 'mqtt.baseTopic', defaultBaseTopic(get('device.room'), get('device.id')));
  if (!get('mqtt.clientId')) setPath(tree, 'mqtt.clientId', `classpulse-${get('device.id')}`);
  if (!get('identity.gallery'))
    setPath(tree, 'identity.gallery', join(get('device.stateDir'), 'gallery.json'));
  if (!get('models.dir')) setPath(tree, 'models.dir', join(PACKAGE_ROOT, 'models'));
}

export function getPath(tree: Tree, path: string): unknown {
  let node: unknown = tree;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Tree)[part];
  }
  return node ?? undefined;
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1] as string] = value;
}
