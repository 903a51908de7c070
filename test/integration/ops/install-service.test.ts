// scripts/install-service.sh staged under a temp root (--root: no user, no chown, no systemctl)
// from a small stand-in checkout, so the real node_modules need not be copied.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

describe('scripts/install-service.sh', () => {
  let dir: string;
  let checkout: string;
  let stage: string;
  const install = (...args: string[]) =>
    execFileSync('bash', [join(checkout, 'scripts/install-service.sh'), '--root', stage, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'classpulse-install-'));
    checkout = join(dir, 'checkout');
    stage = join(dir, 'root');
    for (const sub of [
      'scripts',
      'dist/cli',
      'bin',
      'systemd',
      'config',
      'models',
      'node_modules/x',
    ]) {
      mkdirSync(join(checkout, sub), { recursive: true });
    }
    cpSync(join(ROOT, 'scripts/install-service.sh'), join(checkout, 'scripts/install-service.sh'));
    cpSync(join(ROOT, 'systemd/classpulse.service'), join(checkout, 'systemd/classpulse.service'));
    cpSync(
      join(ROOT, 'config/classpulse.example.yaml'),
      join(checkout, 'config/classpulse.example.yaml'),
    );
    writeFileSync(join(checkout, 'dist/cli/main.js'), 'export {};\n');
    writeFileSync(join(checkout, 'bin/classpulse'), '#!/usr/bin/env node\n');
    writeFileSync(join(checkout, 'models/manifest.json'), '{"version":1,"models":{}}\n');
    writeFileSync(join(checkout, 'node_modules/x/index.js'), '\n');
    writeFileSync(join(checkout, 'package.json'), '{"name":"classpulse"}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs the program, the command, a default config, the state dir and the unit', () => {
    install('--keep-dev-deps');
    expect(existsSync(join(stage, 'opt/classpulse/dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(stage, 'opt/classpulse/node_modules/x/index.js'))).toBe(true);
    expect(readlinkSync(join(stage, 'usr/local/bin/classpulse'))).toBe(
      '/opt/classpulse/bin/classpulse',
    );
    const config = join(stage, 'etc/classpulse/classpulse.yaml');
    expect(readFileSync(config, 'utf8')).toBe(
      readFileSync(join(ROOT, 'config/classpulse.example.yaml'), 'utf8'),
    );
    expect(statSync(config).mode & 0o777).toBe(0o640);
    expect(statSync(join(stage, 'var/lib/classpulse')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(stage, 'etc/systemd/system/classpulse.service'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'systemd/classpulse.service'), 'utf8'),
    );
  });

  it('keeps an edited config on a second run and replaces the program', () => {
    const config = join(stage, 'etc/classpulse/classpulse.yaml');
    writeFileSync(config, 'device:\n  id: box-7\n');
    writeFileSync(join(stage, 'opt/classpulse/stale.txt'), 'left over\n');
    install('--keep-dev-deps');
    expect(readFileSync(config, 'utf8')).toBe('device:\n  id: box-7\n');
    expect(existsSync(join(stage, 'opt/classpulse/stale.txt'))).toBe(false);
    expect(existsSync(join(stage, 'opt/classpulse.new'))).toBe(false);
  });

  it('rewrites the unit for another prefix', () => {
    install('--keep-dev-deps', '--prefix', '/srv/classpulse');
    const unit = readFileSync(join(stage, 'etc/systemd/system/classpulse.service'), 'utf8');
    expect(unit).toContain(
      'ExecStart=/srv/classpulse/bin/classpulse run --config /etc/classpulse/classpulse.yaml',
    );
    expect(unit).not.toContain('/opt/classpulse');
  });

  it('refuses an unbuilt checkout, naming what to run', () => {
    rmSync(join(checkout, 'dist'), { recursive: true });
    try {
      install();
      expect.unreachable('install should fail without dist/');
    } catch (error) {
      const failed = error as { status: number; stderr: string };
      expect(failed.status).toBe(66);
      expect(failed.stderr).toContain('run scripts/setup.sh first');
    }
  });
});
