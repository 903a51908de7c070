// MQTT client settings from the config: explicit MQTT 5 session settings, the 3.1.1 variant for
// the embedded broker, credentials, and TLS files that fail with the key and file named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { buildClientOptions } from '../../../src/publish/client-options.js';

const dir = mkdtempSync(join(tmpdir(), 'classpulse-clientopts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configWith = (env: Record<string, string>) => loadConfig({ file: '/dev/null', env }).config;
const will = { topic: 'classpulse/room-1/classpulse-1/status', payload: '{"state":"offline"}' };

describe('buildClientOptions', () => {
  it('sets a unique client id, the will and explicit MQTT 5 session settings', () => {
    const { mqtt } = configWith({ CLASSPULSE_DEVICE_ID: 'box-7' });
    const options = buildClientOptions({ mqtt, protocolVersion: 5, will });
    expect(options.clientId).toBe('classpulse-box-7');
    expect(options.clean).toBe(false);
    expect(options.properties).toMatchObject({
      sessionExpiryInterval: 3600,
      receiveMaximum: 32,
      maximumPacketSize: 16 * 1024,
      topicAliasMaximum: 0,
    });
    expect(options.will).toMatchObject({ topic: will.topic, qos: 1, retain: true });
    expect(options.reconnectOnConnackError).toBe(true);
  });

  it('asks for a clean session when sessionExpiryS is 0, and speaks 3.1.1 without properties', () => {
    const { mqtt } = configWith({ CLASSPULSE_MQTT_SESSION_EXPIRY_S: '0' });
    expect(buildClientOptions({ mqtt, protocolVersion: 5, will }).clean).toBe(true);
    const v4 = buildClientOptions({ mqtt, protocolVersion: 4, will });
    expect(v4.protocolVersion).toBe(4);
    expect(v4.properties).toBeUndefined();
    expect(v4.will?.properties).toBeUndefined();
  });

  it('reads the password file through the config loader and the TLS files as PEM', () => {
    const passwordFile = join(dir, 'pw');
    writeFileSync(passwordFile, 'hunter2\n');
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const { mqtt } = configWith({
      CLASSPULSE_MQTT_URL: 'mqtts://broker.example:8883',
      CLASSPULSE_MQTT_USERNAME: 'box',
      CLASSPULSE_MQTT_PASSWORD_FILE: passwordFile,
      CLASSPULSE_MQTT_TLS_CA: ca,
    });
    const options = buildClientOptions({ mqtt, protocolVersion: 5, will });
    expect(options.username).toBe('box');
    expect(options.password).toBe('hunter2');
    expect(String(options.ca)).toContain('BEGIN CERTIFICATE');
    expect(options.rejectUnauthorized).toBe(true);
  });

  it('names the key and the file when a TLS file is unreadable or not PEM', () => {
    const notPem = join(dir, 'key.txt');
    writeFileSync(notPem, 'not a key');
    const base = { CLASSPULSE_MQTT_URL: 'mqtts://broker.example:8883' };
    const missing = configWith({ ...base, CLASSPULSE_MQTT_TLS_CA: join(dir, 'nope.pem') }).mqtt;
    expect(() => buildClientOptions({ mqtt: missing, protocolVersion: 5, will })).toThrow(
      /^mqtt\.tls\.ca: cannot read .*nope\.pem/,
    );
    const bad = configWith({
      ...base,
      CLASSPULSE_MQTT_TLS_CERT: notPem,
      CLASSPULSE_MQTT_TLS_KEY: notPem,
    }).mqtt;
    expect(() => buildClientOptions({ mqtt: bad, protocolVersion: 5, will })).toThrow(
      /^mqtt\.tls\.cert: .*key\.txt is not a PEM file/,
    );
  });
});
