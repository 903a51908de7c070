import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/issues.js';
import { loadHubConfig } from '../../../src/hub/hub-config.js';
import { renderHubExample } from '../../../src/hub/hub-example.js';
import { DEFAULT_RETENTION_DAYS } from '../../../src/hub/hub-schema.js';

const EXAMPLE = join(import.meta.dirname, '../../../config/hub.example.yaml');

function issuesOf(yaml: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'classpulse-hubcfg-')), 'hub.yaml');
  writeFileSync(file, yaml);
  try {
    loadHubConfig(file);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.issues.map((i) => `${i.path}: ${i.problem}${i.hint ? ` (${i.hint})` : ''}`);
    throw error;
  }
  return [];
}

describe('hub config', () => {
  it('config/hub.example.yaml is what the schema renders (npm run config:example)', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(renderHubExample());
  });

  it('loads the example with safe defaults', () => {
    const config = loadHubConfig(EXAMPLE);
    expect(config.server).toMatchObject({ host: '127.0.0.1', tlsCert: '', sessionMinutes: 480 });
    expect(config.mqtt.baseTopic).toBe('classpulse');
    expect(config.history.retentionDays).toBe(DEFAULT_RETENTION_DAYS);
    expect(config.users.map((u) => [u.name, u.role, u.rooms])).toEqual([
      ['ms-lee', 'teacher', ['room-101', 'room-102']],
      ['it-office', 'admin', []],
    ]);
  });

  it('names every problem at once: unknown keys, bad values, bad users, TLS half set', () => {
    expect(
      issuesOf(
        [
          'server:',
          '  prot: 80',
          '  tlsCert: /etc/cert.pem',
          'mqtt:',
          "  baseTopic: 'classpulse/#'",
          'users:',
          '  ana:',
          '    role: principal',
          '    rooms: lab',
          '    passwordHash: hunter2',
          '    email: a@b',
        ].join('\n'),
      ),
    ).toEqual([
      'server.prot: unknown key in section "server" (did you mean server.port?)',
      'mqtt.baseTopic: invalid value',
      'users.ana.email: unknown key in a user',
      'users.ana.role: invalid value',
      'users.ana.rooms: invalid value',
      'users.ana.passwordHash: not a password hash',
      'server.tlsKey: required when server.tlsCert is set',
    ]);
  });

  it('names a dashboard certificate that cannot be read', () => {
    expect(
      issuesOf('server:\n  tlsCert: /nonexistent/cert.pem\n  tlsKey: /nonexistent/key.pem\n'),
    ).toEqual([
      expect.stringMatching(
        /^server\.tlsCert: server\.tlsCert: cannot read \/nonexistent\/cert\.pem/,
      ),
      expect.stringMatching(/^server\.tlsKey: server\.tlsKey: cannot read/),
    ]);
  });

  it('refuses a shared group without MQTT 5, and takes one with it', () => {
    expect(issuesOf('mqtt:\n  protocolVersion: 4\n  sharedGroup: school-hubs\n')).toEqual([
      expect.stringMatching(
        /^mqtt\.sharedGroup: shared subscriptions need mqtt\.protocolVersion 5/,
      ),
    ]);
    expect(issuesOf('mqtt:\n  sharedGroup: school/hubs\n')).toEqual([
      'mqtt.sharedGroup: invalid value',
    ]);
    expect(issuesOf('mqtt:\n  protocolVersion: 5\n  sharedGroup: school-hubs\n')).toEqual([]);
    expect(loadHubConfig(EXAMPLE).mqtt.sharedGroup).toBe('');
  });
});
