// test/unit is pure: no unit test may load a native addon (OpenCV, onnxruntime), directly or through
// what it imports. Walks each unit test file's static and dynamic imports (relative ones followed,
// bare ones checked by package name) and names the chain that reaches a native package.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const UNIT = join(ROOT, 'test/unit');
/** Packages that are, or load, native addons. */
const NATIVE = ['@u4/opencv4nodejs', '@u4/opencv-build', 'onnxruntime-node'];
/** Runtime imports: `import type` / `export type` are erased and load nothing. */
const IMPORT =
  /(?:import|export)\s+(?!type\s)([^'"]*?)from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
/** `{ type A, type B }`: every binding a type, so the import is erased too. */
const ONLY_TYPES =
  /^\{\s*type\s+\w+(?:\s+as\s+\w+)?(?:\s*,\s*type\s+\w+(?:\s+as\s+\w+)?)*\s*,?\s*\}\s*$/;

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A relative specifier as the TS source file it names (`.js` in ESM imports is the `.ts` file). */
function resolveSource(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [
    base.replace(/\.js$/, '.ts'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ])
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return undefined;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The import chain from `file` to a native package, or undefined when there is none. */
function nativeChain(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(IMPORT)) {
    if (match[1] !== undefined && ONLY_TYPES.test(match[1].trim())) continue;
    const specifier = match[2] ?? match[3] ?? match[4];
    if (!specifier) continue;
    if (!specifier.startsWith('.')) {
      if (NATIVE.includes(packageOf(specifier))) return [specifier];
      continue;
    }
    const target = resolveSource(file, specifier);
    if (!target) continue;
    const chain = nativeChain(target, seen);
    if (chain) return [relative(ROOT, target), ...chain];
  }
  return undefined;
}

describe('test/unit', () => {
  it('finds native packages through relative imports (the check itself works)', () => {
    expect(nativeChain(join(ROOT, 'src/capture/cv.ts'))).toEqual(['@u4/opencv4nodejs']);
  });

  for (const file of testFiles(UNIT)) {
    it(`${relative(UNIT, file)} loads no native module`, () => {
      expect(nativeChain(file), 'import chain to a native package').toBeUndefined();
    });
  }
});
