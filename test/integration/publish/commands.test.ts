// Commands against a real mosquitto: each command reaches the handler and gets one schema-valid
// reply; MQTT 5 response topic and correlation data are honoured; thousands of fuzzed requests
// get error replies without crashing anything; no message on '#' exceeds the size bound.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttPublisher } from '../../../src/publish/mqtt-publisher.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import {
  Contract,
  deviceEnv,
  FakeDaemon,
  Recorder,
  tempDir,
  testConfig,
  testPublisher,
  waitFor,
} from './support.js';

const BASE = 'classpulse/lab/box-cmd';

const SNAPSHOT = '/var/lib/classpulse/snapshots/2026-11-25T10-00-00.jpg';

/** Seeded generator, so a failing fuzz case can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function fuzzBody(random: () => number): Buffer {
  const pick = Math.floor(random() * 8);
  const n = Math.floor(random() * 300);
  switch (pick) {
    case 0:
      return randomBytes(n);
    case 1:
      return Buffer.from(JSON.stringify({ id: 'x'.repeat(n) }));
    case 2:
      return Buffer.from(JSON.stringify({ id: n, extra: [1, 2, 3] }));
    case 3:
      return Buffer.from('{"id": "ok", '.repeat(1 + (n % 5)));
    case 4:
      return Buffer.from(JSON.stringify([{ id: 'a' }]));
    case 5:
      return Buffer.from('null');
    case 6:
      return Buffer.from(`"${'A'.repeat(2000)}"`);
    default:
      return Buffer.from(JSON.stringify({ id: `f${n}`, __proto__: { polluted: true } }));
  }
}

describe('commands with mosquitto', () => {
  let broker: Mosquitto;
  let publisher: MqttPublisher;
  let recorder: Recorder;
  const daemon = new FakeDaemon({
    reloadError: 'config invalid: camera.fps',
    snapshotPath: SNAPSHOT,
  });
  const state = tempDir('cmd');
  const contract = new Contract();
  const maxPayloadBytes = 4096;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    const config = testConfig(
      deviceEnv(broker.url, state.dir, {
        CLASSPULSE_DEVICE_ID: 'box-cmd',
        CLASSPULSE_PRIVACY_MAX_PAYLOAD_BYTES: maxPayloadBytes,
      }),
    );
    publisher = testPublisher(config, { commands: daemon });
    recorder = await Recorder.connect(broker.url, '#', 'rec-cmd');
    await publisher.start();
    await waitFor('connected', () => publisher.stats().connected);
  });
  afterAll(async () => {
    await publisher?.stop('test done');
    await recorder?.close();
    await broker?.stop();
    state.remove();
  });

  const replies = (name: string) => recorder.json(`${BASE}/cmd/${name}/reply`);

  it('runs each command and replies once, echoing the id', async () => {
    for (const name of ['start', 'stop', 'reset', 'reload', 'snapshot', 'status'])
      await recorder.client.publishAsync(
        `${BASE}/cmd/${name}`,
        JSON.stringify({ id: `r-${name}` }),
        {
          qos: 1,
        },
      );
    await recorder.client.publishAsync(`${BASE}/cmd/start`, '', { qos: 1 });
    await waitFor('six kinds of replies', () =>
      ['start', 'stop', 'reset', 'reload', 'snapshot', 'status'].every(
        (n) => replies(n).length > 0,
      ),
    );
    await waitFor('second start reply', () => replies('start').length === 2);
    expect(daemon.calls).toEqual([
      'start',
      'stop',
      'reset',
      'reload',
      'snapshot',
      'status',
      'start',
    ]);
    expect(replies('start')[0]).toMatchObject({ ok: true, id: 'r-start', cmd: 'start' });
    expect(replies('start')[1]).not.toHaveProperty('id');
    expect(replies('reload')[0]).toMatchObject({
      ok: false,
      error: { code: 'failed', message: 'config invalid: camera.fps' },
    });
    expect(replies('snapshot')[0]?.result).toEqual({ path: SNAPSHOT });
    expect(replies('status')[0]?.result).toMatchObject({
      camera: 'open',
      mqtt: { connected: true },
    });
  });

  it('answers on the MQTT 5 response topic with the correlation data', async () => {
    const correlationData = Buffer.from([1, 2, 3, 250]);
    await recorder.client.publishAsync(`${BASE}/cmd/status`, '{"id":"v5"}', {
      qos: 1,
      properties: { responseTopic: 'operator/replies/42', correlationData },
    });
    await waitFor('routed reply', () =>
      recorder.messages.some((m) => m.topic === 'operator/replies/42'),
    );
    const reply = recorder.messages.find((m) => m.topic === 'operator/replies/42');
    expect(reply?.properties?.correlationData).toEqual(correlationData);
    expect(JSON.parse(reply?.payload.toString() ?? '{}')).toMatchObject({ ok: true, id: 'v5' });
    // A response topic aimed at our own event topics is ignored: the reply goes to cmd/…/reply.
    await recorder.client.publishAsync(`${BASE}/cmd/status`, '{"id":"spoof"}', {
      qos: 1,
      properties: { responseTopic: `${BASE}/alerts` },
    });
    await waitFor('default reply', () => replies('status').some((r) => r.id === 'spoof'));
    expect(recorder.messages.filter((m) => m.topic === `${BASE}/alerts`)).toEqual([]);
  });

  it('answers thousands of fuzzed requests with errors and keeps running', async () => {
    const random = prng(20261125);
    const count = 3000;
    const names = ['start', 'snapshot', 'bogus', 'x'.repeat(40), 'näme', 'status'];
    const before = recorder.messages.filter((m) => /\/cmd\/[^/]+\/reply$/.test(m.topic)).length;
    for (let i = 0; i < count; i++) {
      const name = names[Math.floor(random() * names.length)] ?? 'bogus';
      recorder.client.publish(`${BASE}/cmd/${name}`, fuzzBody(random), { qos: 1 });
    }
    const repliesNow = () =>
      recorder.messages.filter((m) => /\/cmd\/[^/]+\/reply$/.test(m.topic)).length - before;
    await waitFor('a reply per request', () => repliesNow() >= count, 60_000);
    const fuzzReplies = recorder.messages
      .filter((m) => /\/cmd\/[^/]+\/reply$/.test(m.topic))
      .slice(before)
      .map((m) => JSON.parse(m.payload.toString()) as { ok: boolean; error?: { code: string } });
    // Only well-formed {"id":"f<n>"} bodies on a known command may succeed.
    const codes = new Set(fuzzReplies.filter((r) => !r.ok).map((r) => r.error?.code));
    expect([...codes].sort()).toEqual(['bad-request', 'unknown-command']);
    expect(fuzzReplies.filter((r) => !r.ok).length).toBeGreaterThan(count / 2);
    expect(publisher.stats().connected).toBe(true);
    // Still working afterwards.
    await recorder.client.publishAsync(`${BASE}/cmd/status`, '{"id":"after"}', { qos: 1 });
    await waitFor('reply after fuzz', () => replies('status').some((r) => r.id === 'after'));
  });

  it('never publishes over the size bound and every reply matches the schema', () => {
    const ours = recorder.messages.filter((m) => /\/cmd\/[^/]+\/reply$|^operator\//.test(m.topic));
    expect(ours.length).toBeGreaterThan(3000);
    const oversize = recorder.messages.filter(
      (m) => m.payload.length > maxPayloadBytes && !/\/cmd\/[^/]+$/.test(m.topic),
    );
    expect(oversize.map((m) => m.topic)).toEqual([]);
    const problems = ours
      .filter((m) => m.topic.startsWith(BASE))
      .flatMap((m) => contract.check(BASE, m.topic, m.payload));
    expect(problems.slice(0, 5)).toEqual([]);
  });
});
