import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/issues.js';
import { loadConfig } from '../../../src/config/load.js';

const fixture = (name: string) => join(import.meta.dirname, '../../fixtures/config', name);
const noEnv = {};

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'classpulse-config-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, text);
  return file;
}

function issuesOf(load: () => unknown): ConfigIssue[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadConfig: valid input', () => {
  it('uses the schema defaults and derives topic, client id and gallery path', () => {
    const { config } = loadConfig({ file: yamlFile('{}\n'), env: noEnv });
    expect(config.camera.fps).toBe(15);
    expect(config.mqtt.baseTopic).toBe('classpulse/room-1/classpulse-1');
    expect(config.mqtt.clientId).toBe('classpulse-classpulse-1');
    expect(config.identity.gallery).toBe('/var/lib/classpulse/gallery.json');
    expect(config.models.dir).toMatch(/models$/);
  });

  it('loads a realistic field file, the example and the demo', () => {
    const field = loadConfig({ file: fixture('valid-field.yaml'), env: noEnv }).config;
    expect(field.camera.source).toContain('libcamerasrc');
    expect(field.mqtt.baseTopic).toBe('classpulse/r101/box-r101');
    expect(field.blink.tiredBlinks).toBe(25);
    const root = join(import.meta.dirname, '../../../config');
    expect(
      loadConfig({ file: join(root, 'classpulse.example.yaml'), env: noEnv }).config.mqtt.url,
    ).toBe('mqtt://localhost:1883');
    expect(loadConfig({ file: join(root, 'demo.yaml'), env: noEnv }).config.mqtt.url).toBe(
      'embedded',
    );
  });

  it('lets CLASSPULSE_* variables override the file, typed like the key', () => {
    const { config } = loadConfig({
      file: fixture('valid-field.yaml'),
      env: {
        CLASSPULSE_MQTT_URL: 'mqtts://other:8884',
        CLASSPULSE_CAMERA_FPS: '12.5',
        CLASSPULSE_EXPRESSION_ENABLED: 'false',
        CLASSPULSE_IDENTITY_GALLERY: '/data/g.json',
        CLASSPULSE_MQTT_BASE_TOPIC: 'school/r101',
      },
    });
    expect(config.mqtt.url).toBe('mqtts://other:8884');
    expect(config.camera.fps).toBe(12.5);
    expect(config.expression.enabled).toBe(false);
    expect(config.identity.gallery).toBe('/data/g.json');
    expect(config.mqtt.baseTopic).toBe('school/r101');
  });

  it('reads the broker password from a file and never from both places', () => {
    const secret = yamlFile('s3cret\n');
    const ok = loadConfig({ file: yamlFile(`mqtt:\n  passwordFile: ${secret}\n`), env: noEnv });
    expect(ok.config.mqtt.password).toBe('s3cret');
    const both = issuesOf(() =>
      loadConfig({
        file: yamlFile(`mqtt:\n  password: x\n  passwordFile: ${secret}\n`),
        env: noEnv,
      }),
    );
    expect(both.map((i) => i.path)).toEqual(['mqtt.passwordFile']);
    const missing = issuesOf(() =>
      loadConfig({ file: yamlFile('mqtt:\n  passwordFile: /nonexistent/pw\n'), env: noEnv }),
    );
    expect(missing[0]?.problem).toMatch(/cannot read the password file/);
  });
});

describe('loadConfig: every kind of invalid input is named', () => {
  it('names a misspelt key (with a suggestion) and a wrong-typed value, with file lines', () => {
    const issues = issuesOf(() =>
      loadConfig({ file: fixture('misspelt-and-wrong-type.yaml'), env: noEnv }),
    );
    expect(issues).toHaveLength(2);
    const [unknown, wrongType] = issues;
    expect(unknown).toMatchObject({ path: 'camera.fsp', hint: 'did you mean camera.fps?' });
    expect(unknown?.source).toMatch(/misspelt-and-wrong-type\.yaml:4$/);
    expect(wrongType).toMatchObject({
      path: 'mqtt.keepaliveS',
      value: 'thirty',
      allowed: 'an integer from 5 to 3600',
    });
    expect(wrongType?.source).toMatch(/:7$/);
  });

  it('rejects out-of-range values and unknown enum members', () => {
    const issues = issuesOf(() =>
      loadConfig({
        file: yamlFile('camera:\n  fps: 500\nlog:\n  level: loud\nmodels:\n  precision: int4\n'),
        env: noEnv,
      }),
    );
    expect(issues.map((i) => [i.path, i.value])).toEqual([
      ['camera.fps', 500],
      ['models.precision', 'int4'],
      ['log.level', 'loud'],
    ]);
    expect(issues[2]?.allowed).toContain('"info"');
  });

  it('rejects unknown sections and sections given as scalars', () => {
    const issues = issuesOf(() =>
      loadConfig({ file: yamlFile('mqt:\n  url: x\nblink: 5\n'), env: noEnv }),
    );
    expect(issues[0]).toMatchObject({
      path: 'mqt',
      problem: 'unknown section',
      hint: 'did you mean mqtt?',
    });
    expect(issues[1]).toMatchObject({
      path: 'blink',
      problem: 'must be a section (a mapping of keys)',
    });
  });

  it('rejects impossible combinations', () => {
    const issues = issuesOf(() =>
      loadConfig({
        file: yamlFile(
          'blink:\n  closedRatio: 0.8\n  openRatio: 0.7\nheadTurn:\n  yawDeg: 20\n  releaseDeg: 30\n' +
            'mqtt:\n  url: mqtt://hub:1883\n  tls:\n    ca: /etc/ca.pem\n    cert: /etc/c.pem\n',
        ),
        env: noEnv,
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      'blink.openRatio',
      'headTurn.releaseDeg',
      'mqtt.tls.key',
      'mqtt.url',
    ]);
  });

  it('rejects bad environment values and misspelt variables', () => {
    const issues = issuesOf(() =>
      loadConfig({
        file: yamlFile('{}\n'),
        env: { CLASSPULSE_CAMERA_FPS: 'fast', CLASSPULSE_MQTT_UR: 'mqtt://x', OTHER: '1' },
      }),
    );
    expect(issues[0]).toMatchObject({
      path: 'CLASSPULSE_MQTT_UR',
      hint: 'did you mean CLASSPULSE_MQTT_URL?',
    });
    expect(issues[1]).toMatchObject({
      path: 'camera.fps',
      value: 'fast',
      source: 'env CLASSPULSE_CAMERA_FPS',
    });
  });

  it('reports YAML syntax errors with a line and unreadable files', () => {
    const syntax = issuesOf(() =>
      loadConfig({ file: yamlFile('camera:\n  fps: [1,\n'), env: noEnv }),
    );
    expect(syntax[0]?.path).toBe('(yaml)');
    expect(syntax[0]?.source).toMatch(/c\.yaml:\d+$/);
    const missing = issuesOf(() => loadConfig({ file: '/nonexistent/c.yaml', env: noEnv }));
    expect(missing[0]?.problem).toMatch(/cannot read \/nonexistent\/c\.yaml/);
  });

  it('rejects broker URLs and topics a client could not use', () => {
    const issues = issuesOf(() =>
      loadConfig({
        file: yamlFile(
          'mqtt:\n  url: hub.school.lan\n  baseTopic: school/#\ndevice:\n  id: "box 1"\n',
        ),
        env: noEnv,
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['device.id', 'mqtt.url', 'mqtt.baseTopic']);
  });
});
