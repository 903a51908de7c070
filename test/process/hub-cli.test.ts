// `classpulse hub passwd` and `classpulse hub` as school IT runs them: a hash printed or written
// into the config (keeping the user's role and rooms), and a missing or invalid config refused
// with exit 78 and the problem named.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../src/hub/hub-config.js';
import { verifyPassword } from '../../src/hub/password-hash.js';
import { type CliResult, cleanEnv, collect, ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../integration/publish/support.js';

/** Runs the CLI with `input` on stdin (a pipe, not a terminal). */
function withStdin(args: string[], input: string): Promise<CliResult> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/classpulse'), ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(input);
  return collect(child);
}

describe('classpulse hub (CLI)', () => {
  const state = tempDir('hub-cli');
  afterAll(() => state.remove());

  it('passwd prints a YAML entry whose hash verifies the password from stdin', async () => {
    const result = await withStdin(['hub', 'passwd', 'ms-lee'], 'a long secret\n');
    expect(result.code, result.stderr).toBe(0);
    const hash = /passwordHash: (\S+)/.exec(result.stdout)?.[1] as string;
    expect(result.stdout).toMatch(/^users:\n {2}ms-lee:\n {4}role: teacher\n/);
    expect(await verifyPassword('a long secret', hash)).toBe(true);
    const short = await withStdin(['hub', 'passwd', 'ms-lee'], 'short\n');
    expect(short.code).toBe(64);
    expect(short.stderr).toMatch(/at least 8 characters/);
  });

  it('passwd --config writes the hash into the file, keeping role, rooms and comments', async () => {
    const file = join(state.dir, 'hub.yaml');
    writeFileSync(
      file,
      '# our hub\nserver:\n  port: 9000\nusers:\n  boss:\n    role: admin\n    rooms: []\n    passwordHash: x\n',
      { mode: 0o640 },
    );
    const first = await withStdin(['hub', 'passwd', 'boss', '--config', file], 'boss password\n');
    expect(first.code, first.stderr).toBe(0);
    const second = await withStdin(['hub', 'passwd', 'ana', '--config', file], 'ana password\n');
    expect(second.code, second.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# our hub\n/);
    // An existing file keeps its mode (the service's group may read it); a new one is 0600.
    expect(statSync(file).mode & 0o777).toBe(0o640);
    const fresh = join(state.dir, 'new.yaml');
    expect(
      (await withStdin(['hub', 'passwd', 'ana', '--config', fresh], 'ana password\n')).code,
    ).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const config = loadHubConfig(file);
    expect(config.server.port).toBe(9000);
    const users = Object.fromEntries(config.users.map((u) => [u.name, u]));
    expect(users.boss).toMatchObject({ role: 'admin' });
    expect(users.ana).toMatchObject({ role: 'teacher', rooms: [] });
    expect(await verifyPassword('boss password', users.boss?.passwordHash)).toBe(true);
  });

  it('refuses a missing or invalid config with exit 78', async () => {
    const missing = await runCli(['hub', '--config', join(state.dir, 'none.yaml')], cleanEnv());
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/no hub config at .*none\.yaml/);
    const file = join(state.dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: eighty\nusers:\n  ana:\n    role: teacher\n');
    const invalid = await runCli(['hub', '--config', file], cleanEnv());
    expect(invalid.code).toBe(78);
    expect(invalid.stderr).toMatch(/server\.port: invalid value; got "eighty"/);
    expect(invalid.stderr).toMatch(/users\.ana\.passwordHash: not a password hash/);
    const check = await runCli(['hub', 'check', file], cleanEnv());
    expect(check.code).toBe(78);
    expect(check.stderr).toMatch(/server\.port: invalid value/);
    const example = await runCli(['hub', 'check', 'config/hub.example.yaml'], cleanEnv());
    expect(example.code, example.stderr).toBe(0);
    expect(example.stdout).toMatch(/hub config OK: config\/hub\.example\.yaml \(2 user\(s\)\)/);
    const usage = await runCli(['hub', 'frobnicate'], cleanEnv());
    expect(usage.code).toBe(64);
  });

  it('refuses a shared group on MQTT 3.1.1 with exit 78, naming the key and its line', async () => {
    const file = join(state.dir, 'shared-v4.yaml');
    writeFileSync(file, 'mqtt:\n  protocolVersion: 4\n  sharedGroup: school-hubs\n');
    for (const args of [
      ['hub', 'check', file],
      ['hub', '--config', file],
    ]) {
      const result = await runCli(args, cleanEnv());
      expect(result.code).toBe(78);
      expect(result.stderr).toMatch(
        /mqtt\.sharedGroup: shared subscriptions need mqtt\.protocolVersion 5 .*shared-v4\.yaml:3/,
      );
    }
  });
});
