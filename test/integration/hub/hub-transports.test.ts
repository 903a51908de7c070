// The hub on the other transports it must work with: the embedded demo broker (aedes, MQTT 3.1.1)
// and its own dashboard over HTTPS, where the session cookie is Secure.

import { readFileSync } from 'node:fs';
import { get as httpsGet, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { connect } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../src/publish/embedded-broker.js';
import { BoxMessages } from '../../helpers/box-messages.js';
import { PASSWORDS, TestHub } from '../../helpers/hub.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../publish/support.js';

describe('hub transports', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('rebuilds and follows a room over the embedded MQTT 3.1.1 broker', async () => {
    const broker = new EmbeddedBroker();
    const { url } = await broker.start();
    cleanups.push(() => broker.stop());
    const box = connect(url, { clientId: 'box', protocolVersion: 4 });
    await new Promise((resolve) => box.once('connect', resolve));
    const lab = new BoxMessages('lab', 'box-1');
    await box.publishAsync(lab.topic('status'), JSON.stringify(lab.status('open')), {
      qos: 1,
      retain: true,
    });
    const hub = await TestHub.start({ brokerUrl: url, protocolVersion: 4 });
    cleanups.push(() => hub.stop());
    await waitFor('retained status', () => hub.hub.store.view('lab')?.devices.length === 1);
    await box.publishAsync(lab.topic('students/anon-1'), JSON.stringify(lab.student('anon-1')), {
      qos: 1,
    });
    await waitFor('student', () => hub.hub.store.view('lab')?.students.length === 1);
    await box.endAsync();
  });

  it('serves the dashboard over HTTPS with a Secure session cookie', async () => {
    const broker = await Mosquitto.start({ tls: true });
    cleanups.push(() => broker.stop());
    const hub = await TestHub.start({
      brokerUrl: broker.url,
      server: [
        `tlsCert: ${join(broker.dir, 'server.crt')}`,
        `tlsKey: ${join(broker.dir, 'server.key')}`,
      ],
    });
    cleanups.push(() => hub.stop());
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const ca = readFileSync(broker.certs?.ca as string);
    const origin = hub.url.replace('127.0.0.1', 'localhost');
    const health = await new Promise<number>((resolve, reject) =>
      httpsGet(new URL('/healthz', origin), { ca }, (res) => resolve(res.statusCode ?? 0)).on(
        'error',
        reject,
      ),
    );
    expect(health).toBe(200);
    const setCookie = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        new URL('/api/login', origin),
        { ca, method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(String(res.headers['set-cookie']));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ user: 'teacher', password: PASSWORDS.teacher }));
    });
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/HttpOnly/);
  });
});
