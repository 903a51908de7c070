// The hub against a real mosquitto: state rebuilt from retained messages, live messages folded
// into the room state and the SQLite history (a QoS1 duplicate stored once), malformed and
// image-/embedding-like payloads refused and logged without stopping anything, commands answered
// and timed out, Server-Sent Events, and retention.
import { request as httpRequest } from 'node:http';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../src/hub/history-store.js';
import { BoxMessages } from '../../helpers/box-messages.js';
import { PASSWORDS, TestHub } from '../../helpers/hub.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../publish/support.js';

describe('hub ingest over a real broker', () => {
  let broker: Mosquitto;
  let box: MqttClient;
  let hub: TestHub;
  const lab = new BoxMessages('lab', 'box-1');
  let cookie = '';
  let csrf = '';

  const publish = (topic: string, payload: unknown, retain = false) =>
    box.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
      qos: 1,
      retain,
    });

  beforeAll(async () => {
    broker = await Mosquitto.start();
    box = connect(broker.url, { clientId: 'fake-box', protocolVersion: 5 });
    await new Promise((resolve) => box.once('connect', resolve));
    // Published before the hub exists: only the retained status can reach it.
    await publish(lab.topic('status'), lab.status('open'), true);
    await publish(lab.topic('class'), lab.classSummary(0.5));
    hub = await TestHub.start({ brokerUrl: broker.url, commandTimeoutS: 1 });
    const login = await hub.hub.server.inject({
      method: 'POST',
      url: '/api/login',
      payload: { user: 'teacher', password: PASSWORDS.teacher },
    });
    cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    csrf = login.json().csrfToken;
  });
  afterAll(async () => {
    await hub?.stop();
    await box?.endAsync();
    await broker?.stop();
  });

  it('rebuilds the room from the retained status', async () => {
    await waitFor('retained status', () => hub.hub.store.view('lab')?.devices.length === 1);
    expect(hub.hub.store.view('lab')?.devices[0]).toMatchObject({
      device: 'box-1',
      state: 'online',
      camera: 'open',
    });
    expect(hub.hub.store.view('lab')?.attention).toEqual([]);
  });

  it('keeps students, class summaries and alerts; stores a duplicate once', async () => {
    await publish(lab.topic('students/anon-1'), lab.student('anon-1', { tired: true }));
    const summary = lab.classSummary(0.75);
    await publish(lab.topic('class'), summary);
    await publish(lab.topic('class'), summary); // QoS1 may deliver twice
    await publish(lab.topic('alerts'), lab.alert('tired', 'anon-1', 'PERCLOS 0.21'));
    await waitFor('alert', () => (hub.hub.store.view('lab')?.alerts.length ?? 0) === 1);
    const view = hub.hub.store.view('lab');
    expect(view?.students).toMatchObject([{ student: 'anon-1', tired: true }]);
    const now = Date.now();
    expect(hub.hub.history.attention('lab', now - 60_000, now + 1000)).toHaveLength(1);
    expect(hub.hub.history.alerts('lab', now - 60_000, now + 1000)).toMatchObject([
      { alert: 'tired', student: 'anon-1', reason: 'PERCLOS 0.21' },
    ]);
    await publish(lab.topic('students/anon-1'), lab.student('anon-1', { present: false }));
    await waitFor('student gone', () => hub.hub.store.view('lab')?.students.length === 0);
  });

  it('refuses and logs malformed and image- or embedding-like payloads, and goes on', async () => {
    const before = hub.hub.ingest.stats;
    await publish(lab.topic('class'), 'not json{');
    await publish(lab.topic('class'), { ...lab.classSummary(0.5), extra: 1 });
    await publish(lab.topic('alerts'), { ...lab.alert('tired', 'anon-1', 'x'), device: 'box-9' });
    await publish(lab.topic('students/anon-2'), {
      ...lab.student('anon-2'),
      image: 'data:image/jpeg;base64,/9j/4AAQSkZJRg',
    });
    await publish(lab.topic('students/anon-3'), {
      ...lab.student('anon-3'),
      pose: Array.from({ length: 128 }, (_, i) => i / 128),
    });
    await publish(lab.topic('alerts'), { ...lab.alert('tired', 'anon-1', 'A'.repeat(200)) });
    await publish(lab.topic('class'), lab.classSummary(0.9));
    await waitFor(
      'good message after bad ones',
      () => hub.hub.store.view('lab')?.attention.some((p) => p.attentiveShare === 0.9) === true,
    );
    const stats = hub.hub.ingest.stats;
    expect(stats.refused - before.refused).toBe(6);
    expect(stats.refusedPrivacy - before.refusedPrivacy).toBe(3);
    const privacy = hub.logged('refused a message with image-like or embedding-like content');
    expect(privacy.map((l) => l.reason)).toEqual([
      expect.stringMatching(/image|data URI/),
      expect.stringMatching(/vector/),
      expect.stringMatching(/base64/),
    ]);
    // The refused content itself is never logged.
    expect(JSON.stringify(hub.logs)).not.toContain('/9j/4AAQ');
    expect(hub.logged('refused a malformed message')).toHaveLength(3);
    expect(hub.hub.store.view('lab')?.students.map((s) => s.student)).not.toContain('anon-2');
  });

  it('sends start/stop in the daemon format and shows the reply, or a timeout', async () => {
    const responder = connect(broker.url, { clientId: 'fake-daemon', protocolVersion: 5 });
    await new Promise((resolve) => responder.once('connect', resolve));
    const requests: Array<Record<string, unknown>> = [];
    responder.on('message', (_topic, payload) => {
      const body = JSON.parse(payload.toString()) as { id: string };
      requests.push(body);
      void responder.publishAsync(
        lab.topic('cmd/stop/reply'),
        JSON.stringify(lab.reply('stop', body.id)),
        { qos: 1 },
      );
    });
    await responder.subscribeAsync(lab.topic('cmd/stop'), { qos: 1 });
    const send = (name: string) =>
      hub.hub.server.inject({
        method: 'POST',
        url: `/api/rooms/lab/devices/box-1/commands/${name}`,
        headers: { cookie, 'x-csrf-token': csrf },
      });
    const stop = await send('stop');
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({ answered: true, reply: { cmd: 'stop', ok: true } });
    expect(requests[0]).toEqual({ id: expect.stringMatching(/^hub-/), tMs: expect.any(Number) });
    // Nobody answers start: the dashboard gets a clear timeout.
    const start = await send('start');
    expect(start.statusCode).toBe(504);
    expect(start.json().error).toMatch(/no reply from box-1 within 1 s/);
    await responder.endAsync();
  });

  it('streams every message of the user’s rooms as Server-Sent Events', async () => {
    const url = new URL('/api/events', hub.url);
    const chunks: string[] = [];
    const req = httpRequest(url, { headers: { cookie } });
    const opened = new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.on('data', (c: Buffer) => chunks.push(c.toString()));
        resolve();
      });
      req.on('error', reject);
    });
    req.end();
    await opened;
    const music = new BoxMessages('music', 'box-2');
    await publish(music.topic('class'), music.classSummary(0.1));
    const sent = lab.student('anon-7', { lookingAround: true });
    await publish(lab.topic('students/anon-7'), sent);
    await waitFor('event', () => chunks.join('').includes('anon-7'));
    req.destroy();
    const events = chunks
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    // The teacher of lab never sees music's messages.
    expect(events.map((e) => e.room)).not.toContain('music');
    expect(events.at(-1)).toEqual({
      room: 'lab',
      device: 'box-1',
      kind: 'student',
      receivedMs: expect.any(Number),
      payload: sent,
    });
  });

  it('deletes history older than the retention', () => {
    const store = new HistoryStore({ file: ':memory:', retentionDays: 2 });
    const day = 86_400_000;
    const now = Date.UTC(2026, 11, 4);
    const old = new BoxMessages('lab', 'box-1');
    for (const [i, age] of [5, 3, 1, 0].entries()) {
      store.record({
        room: 'lab',
        device: 'box-1',
        kind: 'class',
        receivedMs: now,
        payload: old.classSummary(i / 4, now - age * day),
      });
    }
    expect(store.prune(now)).toEqual({ classSummaries: 2, alerts: 0 });
    expect(store.attention('lab', 0, now + 1).map((p) => (now - p.tMs) / day)).toEqual([1, 0]);
    store.close();
  });
});
