// The permission model of docs/security.md against a real mosquitto that runs the ACL the real
// generator (`classpulse broker-acl`) makes: per-box passwords, one box on a client certificate
// (CN = device id), the hub and the admin. Every case asserts on what a subscriber receives: the
// hub records everything it may read, and a denied publish is followed by an allowed marker from
// the same client, so once the marker is in, anything the broker let through would be in too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAcl } from '../../../src/publish/broker-acl.js';
import type { MqttPublisher } from '../../../src/publish/mqtt-publisher.js';
import { type Credentials, Mosquitto, rogueClientCert } from '../../helpers/mosquitto.js';
import {
  Contract,
  deviceEnv,
  FakeDaemon,
  Recorder,
  signals,
  tempDir,
  testConfig,
  testPublisher,
  waitFor,
} from './support.js';

const BOXES = [
  { room: 'room-a', device: 'box-a' },
  { room: 'room-b', device: 'box-b' },
  { room: 'room-c', device: 'box-c' }, // client certificate only
];
const HUB: Credentials = { username: 'classpulse-hub', password: 'hub-pass-1' };
const ADMIN: Credentials = { username: 'classpulse-admin', password: 'admin-pass-1' };
const BOX_A: Credentials = { username: 'box-a', password: 'a-pass-1' };
const BOX_B: Credentials = { username: 'box-b', password: 'b-pass-1' };
const base = (room: string, device: string) => `classpulse/${room}/${device}`;
const A = base('room-a', 'box-a');
const B = base('room-b', 'box-b');
const C = base('room-c', 'box-c');

/** Error code of a refused publish or connect (MQTT 5 reason code), or 'ok'. */
async function outcome(work: Promise<unknown>): Promise<number | string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' || typeof code === 'string' ? code : String(error);
  }
}

describe('the generated broker ACL on mosquitto', () => {
  const state = tempDir('acl');
  const boxB = new FakeDaemon();
  const contract = new Contract();
  let broker: Mosquitto;
  let hub: Recorder;
  let publishers: MqttPublisher[] = [];
  let publisherA: MqttPublisher;
  let publisherB: MqttPublisher;
  let publisherC: MqttPublisher;
  const clients: MqttClient[] = [];
  /** mqtt.js also emits a refused PUBACK as an 'error' event; kept here, asserted by outcome(). */
  const clientErrors: string[] = [];

  /** A raw client (MQTT 5 unless told), not retrying, closed after the tests. */
  async function rawClient(url: string, options: IClientOptions): Promise<MqttClient> {
    const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, ...options });
    client.on('error', (error) => clientErrors.push(error.message));
    clients.push(client);
    return client;
  }

  /** Publishes an allowed marker as box-a and waits until the hub has it. */
  async function marker(client: MqttClient, text: string): Promise<void> {
    await client.publishAsync(`${A}/alerts`, text, { qos: 1 });
    await waitFor(`marker ${text}`, () => hub.messages.some((m) => m.payload.toString() === text));
  }

  const received = (topic: string) => hub.messages.filter((m) => m.topic === topic);
  const replies = (topic: string) =>
    received(topic).map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>);

  beforeAll(async () => {
    broker = await Mosquitto.start({
      users: [HUB, ADMIN, BOX_A, BOX_B],
      acl: generateAcl({ boxes: BOXES, hub: HUB.username, admin: ADMIN.username }),
      tls: true,
      clientNames: ['box-c', 'box-a'],
      useIdentityAsUsername: true,
      maxQueuedMessages: 1000, // see MosquittoOptions: 0 drops clients on a denied publish
    });
    hub = await Recorder.connect(broker.url, 'classpulse/#', 'hub-recorder', { ...HUB });
    const certs = broker.certs;
    if (!certs) throw new Error('no test certificates');
    const boxEnv = (room: string, device: string, url: string, extra: Record<string, string>) =>
      testConfig(
        deviceEnv(url, join(state.dir, device), {
          CLASSPULSE_DEVICE_ID: device,
          CLASSPULSE_DEVICE_ROOM: room,
          ...extra,
        }),
      );
    publisherA = testPublisher(
      boxEnv('room-a', 'box-a', broker.url, {
        CLASSPULSE_MQTT_USERNAME: BOX_A.username,
        CLASSPULSE_MQTT_PASSWORD: BOX_A.password,
      }),
    );
    publisherB = testPublisher(
      boxEnv('room-b', 'box-b', broker.url, {
        CLASSPULSE_MQTT_USERNAME: BOX_B.username,
        CLASSPULSE_MQTT_PASSWORD: BOX_B.password,
      }),
      { commands: boxB },
    );
    const boxC = certs.clients['box-c'];
    if (!boxC) throw new Error('no box-c certificate');
    publisherC = testPublisher(
      boxEnv('room-c', 'box-c', broker.tlsUrl, {
        CLASSPULSE_MQTT_TLS_CA: certs.ca,
        CLASSPULSE_MQTT_TLS_CERT: boxC.cert,
        CLASSPULSE_MQTT_TLS_KEY: boxC.key,
      }),
    );
    publishers = [publisherA, publisherB, publisherC];
    for (const p of publishers) await p.start();
    await waitFor('three boxes connected', () => publishers.every((p) => p.stats().connected));
  });
  afterAll(async () => {
    for (const p of publishers) await p.stop('test done');
    for (const c of clients) await c.endAsync(true);
    await hub?.close();
    await broker?.stop();
    state.remove();
  });

  it('delivers what each box publishes about itself to the hub (password and certificate)', async () => {
    const now = Date.now();
    publisherA.publish(
      { type: 'state', tMs: 1, track: 't1', signals: signals({ blinks: 2 }) },
      now,
    );
    publisherC.publish(
      { type: 'state', tMs: 1, track: 't7', signals: signals({ blinks: 5 }) },
      now,
    );
    publisherA.publish({ type: 'alert', tMs: 1, alert: 'tired', track: 't1', reason: 'r' }, now);
    publisherA.publishHealth({ fps: 9.5 });
    await waitFor('states, alert, health and status of both boxes', () =>
      [
        `${A}/students/t1`,
        `${C}/students/t7`,
        `${A}/alerts`,
        `${A}/health`,
        `${A}/status`,
        `${C}/status`,
      ].every((t) => received(t).length > 0),
    );
    expect(JSON.parse(received(`${C}/students/t7`)[0]?.payload.toString() ?? '{}')).toMatchObject({
      device: 'box-c',
      blinks: 5,
    });
    for (const p of publishers) expect(p.stats().rejected).toBe(0);
    const ours = hub.messages.filter((m) => m.topic.startsWith('classpulse/'));
    const problems = ours.flatMap((m) => {
      const owner = BOXES.find((b) => m.topic.startsWith(`${base(b.room, b.device)}/`));
      return owner ? contract.check(base(owner.room, owner.device), m.topic, m.payload) : [];
    });
    expect(problems).toEqual([]);
  });

  it("refuses a box's publish under another box's base topic and any command it sends", async () => {
    const asA = await rawClient(broker.url, { ...BOX_A, clientId: 'spoof-a' });
    const denied = [
      `${B}/alerts`,
      `${B}/students/t1`,
      `${B}/status`,
      `${B}/cmd/stop`,
      `${A}/cmd/stop`,
    ];
    for (const topic of denied)
      expect(await outcome(asA.publishAsync(topic, '{"id":"spoof"}', { qos: 1 }))).toBe(135);
    // A box's certificate makes it that box, nothing more: box-a's CN cannot post for box-c.
    const certA = broker.certs?.clients['box-a'];
    const tlsA = await rawClient(broker.tlsUrl, {
      clientId: 'spoof-a-tls',
      ca: readFileSync(broker.certs?.ca ?? ''),
      cert: readFileSync(certA?.cert ?? ''),
      key: readFileSync(certA?.key ?? ''),
    });
    expect(await outcome(tlsA.publishAsync(`${C}/alerts`, '{"id":"spoof"}', { qos: 1 }))).toBe(135);
    await marker(asA, 'marker-1');
    await marker(tlsA, 'marker-1b');
    // The boxes' own retained status is on ${B}/status; nothing the spoofer sent is anywhere.
    expect(hub.messages.filter((m) => m.payload.toString().includes('spoof'))).toEqual([]);
    // Commands run one at a time: once box-b answers this status, a stop that reached it had run.
    await hub.client.publishAsync(`${B}/cmd/status`, JSON.stringify({ id: 'after-spoof' }), {
      qos: 1,
    });
    await waitFor('status reply', () =>
      replies(`${B}/cmd/status/reply`).some((r) => r.id === 'after-spoof'),
    );
    expect(boxB.calls).not.toContain('stop');
  });

  it("lets a box read only its own commands, even when it subscribes to '#'", async () => {
    const asA = await rawClient(broker.url, { ...BOX_A, clientId: 'nosy-a' });
    const seen: string[] = [];
    asA.on('message', (topic) => seen.push(topic));
    // mosquitto grants the subscription and filters each message against the ACL on delivery.
    await asA.subscribeAsync(['#', `${B}/#`], { qos: 1 });
    publisherB.publish(
      { type: 'state', tMs: 1, track: 'nosy', signals: signals({ blinks: 1 }) },
      Date.now(),
    );
    await hub.client.publishAsync(`${A}/cmd/bogus`, '{"id":"own"}', { qos: 1 });
    await waitFor('own command at box-a', () => seen.includes(`${A}/cmd/bogus`));
    await waitFor('box-b state at the hub', () => received(`${B}/students/nosy`).length > 0);
    await marker(asA, 'marker-2');
    // Retained status of every box, box-b's live state and the hub's traffic: none reached box-a.
    expect(seen.filter((t) => !t.startsWith(`${A}/cmd/`))).toEqual([]);
  });

  it('refuses anonymous clients and certificates from another CA', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const code = await outcome(
        connectAsync(broker.url, { protocolVersion, reconnectPeriod: 0, clientId: 'anon' }),
      );
      expect(code).toBe(protocolVersion === 5 ? 135 : 5);
    }
    const rogue = rogueClientCert(broker.dir, 'box-c');
    const tls = await outcome(
      connectAsync(broker.tlsUrl, {
        reconnectPeriod: 0,
        clientId: 'rogue-c',
        ca: readFileSync(broker.certs?.ca ?? ''),
        cert: readFileSync(rogue.cert),
        key: readFileSync(rogue.key),
        connectTimeout: 5000,
      }),
    );
    expect(tls).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    // No certificate at all on the TLS listener: refused as well.
    const bare = await outcome(
      connectAsync(broker.tlsUrl, {
        reconnectPeriod: 0,
        clientId: 'bare-tls',
        ca: readFileSync(broker.certs?.ca ?? ''),
        connectTimeout: 5000,
      }),
    );
    expect(bare).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(hub.messages.filter((m) => /anon|rogue|bare/.test(m.topic))).toEqual([]);
  });

  it("carries the hub's commands to the box and the replies back; refuses stale ones", async () => {
    const tMs = Date.now();
    await hub.client.publishAsync(`${B}/cmd/status`, JSON.stringify({ id: 'hub-1', tMs }), {
      qos: 1,
    });
    await waitFor('status reply', () =>
      replies(`${B}/cmd/status/reply`).some((r) => r.id === 'hub-1'),
    );
    const reply = replies(`${B}/cmd/status/reply`).find((r) => r.id === 'hub-1');
    expect(reply).toMatchObject({ ok: true, device: 'box-b', result: { camera: 'open' } });
    // MQTT 5 response topic inside the box's reply area: answered there with the correlation data.
    const correlationData = Buffer.from('c-42');
    await hub.client.publishAsync(`${B}/cmd/status`, JSON.stringify({ id: 'hub-2' }), {
      qos: 1,
      properties: { responseTopic: `${B}/cmd/status/reply`, correlationData },
    });
    await waitFor('routed reply', () =>
      received(`${B}/cmd/status/reply`).some((m) => m.properties?.correlationData !== undefined),
    );
    // A replayed stop stamped an hour ago reaches the box but is not run.
    await hub.client.publishAsync(
      `${B}/cmd/stop`,
      JSON.stringify({ id: 'replayed', tMs: tMs - 3_600_000 }),
      { qos: 1 },
    );
    await waitFor('stale reply', () =>
      replies(`${B}/cmd/stop/reply`).some((r) => r.id === 'replayed'),
    );
    expect(replies(`${B}/cmd/stop/reply`).find((r) => r.id === 'replayed')).toMatchObject({
      ok: false,
      error: { code: 'stale' },
    });
    expect(boxB.calls).not.toContain('stop');
    // The hub may command but not speak for a box.
    expect(await outcome(hub.client.publishAsync(`${B}/alerts`, 'fake', { qos: 1 }))).toBe(135);
    // The admin credential may do everything (kept by IT): its command runs.
    const admin = await rawClient(broker.url, { ...ADMIN, clientId: 'admin' });
    await admin.publishAsync(`${B}/cmd/reset`, JSON.stringify({ id: 'adm', tMs: Date.now() }), {
      qos: 1,
    });
    await waitFor('admin reset reply', () =>
      replies(`${B}/cmd/reset/reply`).some((r) => r.id === 'adm' && r.ok === true),
    );
    expect(boxB.calls).toContain('reset');
  });
});
