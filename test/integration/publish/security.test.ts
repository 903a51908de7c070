// Security settings against a real mosquitto: TLS with a test CA and a client certificate plus a
// password read from a file; a wrong password keeps the daemon running but disconnected; a missing
// CA file is a clear config error. Also the embedded demo broker (aedes, MQTT 3.1.1).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttPublisher } from '../../../src/publish/mqtt-publisher.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import {
  Contract,
  deviceEnv,
  signals,
  tempDir,
  testConfig,
  testPublisher,
  waitFor,
} from './support.js';

const credentials = { username: 'box', password: 's3cret-pass' };

function publisherFor(env: Record<string, string | number>): MqttPublisher {
  return testPublisher(testConfig(env));
}

describe('TLS, credentials and the embedded broker', () => {
  let broker: Mosquitto;
  const state = tempDir('sec');

  beforeAll(async () => {
    broker = await Mosquitto.start({ credentials, tls: true });
  });
  afterAll(async () => {
    await broker?.stop();
    state.remove();
  });

  it('connects over TLS with a client certificate and a password file', async () => {
    const certs = broker.certs;
    if (!certs) throw new Error('no test certificates');
    const passwordFile = join(state.dir, 'password');
    writeFileSync(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
    const publisher = publisherFor(
      deviceEnv(broker.tlsUrl, join(state.dir, 'tls'), {
        CLASSPULSE_MQTT_USERNAME: credentials.username,
        CLASSPULSE_MQTT_PASSWORD_FILE: passwordFile,
        CLASSPULSE_MQTT_TLS_CA: certs.ca,
        CLASSPULSE_MQTT_TLS_CERT: certs.clientCert,
        CLASSPULSE_MQTT_TLS_KEY: certs.clientKey,
      }),
    );
    await publisher.start();
    await waitFor('TLS connect', () => publisher.stats().connected && publisher.stats().sent > 0);
    await publisher.stop('done');
  });

  it('stays up, disconnected, with a wrong password', async () => {
    const publisher = publisherFor(
      deviceEnv(broker.url, join(state.dir, 'wrong'), {
        CLASSPULSE_MQTT_USERNAME: credentials.username,
        CLASSPULSE_MQTT_PASSWORD: 'wrong',
      }),
    );
    await publisher.start();
    publisher.publish(
      { type: 'alert', tMs: 1, alert: 'tired', track: 't1', reason: 'kept' },
      Date.now(),
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const stats = publisher.stats();
    expect(stats.connected).toBe(false);
    expect(stats.queueDepth).toBeGreaterThanOrEqual(1); // the alert waits on disk
    // It keeps retrying (with backoff) instead of giving up on the refused CONNACK.
    const refusals = broker.log().match(/not authori[sz]ed/gi) ?? [];
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    await publisher.stop('done');
  });

  it('names the key and the file when a TLS file is missing', async () => {
    const publisher = publisherFor(
      deviceEnv(broker.tlsUrl, join(state.dir, 'missing'), {
        CLASSPULSE_MQTT_TLS_CA: join(state.dir, 'no-such-ca.pem'),
      }),
    );
    await expect(publisher.start()).rejects.toThrow(/mqtt\.tls\.ca: cannot read .*no-such-ca\.pem/);
  });

  it('publishes through the embedded demo broker with MQTT 3.1.1', async () => {
    const publisher = publisherFor(deviceEnv('embedded', join(state.dir, 'embedded')));
    await publisher.start();
    const url = publisher.embeddedUrl;
    if (!url) throw new Error('no embedded broker url');
    const subscriber = connect(url, { protocolVersion: 4, clientId: 'demo-viewer' });
    const received: Array<{ topic: string; payload: Buffer }> = [];
    subscriber.on('message', (topic, payload) => received.push({ topic, payload }));
    await new Promise((resolve) => subscriber.once('connect', resolve));
    await subscriber.subscribeAsync('classpulse/#', { qos: 1 });
    await waitFor('connected', () => publisher.stats().connected);
    publisher.publish(
      { type: 'state', tMs: 1, track: 't9', signals: signals({ blinks: 3 }) },
      Date.now(),
    );
    await waitFor('state via aedes', () => received.some((m) => m.topic.endsWith('/students/t9')));
    const contract = new Contract();
    const base = 'classpulse/lab/box-test';
    expect(received.flatMap((m) => contract.check(base, m.topic, m.payload))).toEqual([]);
    await subscriber.endAsync();
    await publisher.stop('done');
  });
});
