// The fleet simulator (tools/fleet) against a real mosquitto: a few boxes for a few seconds, every
// message in the documented contract, nothing lost by seq, and the seq check catching a gap when
// a box skips one. Short intervals so a few seconds hold class summaries and heartbeats.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleet } from '../../../tools/fleet/fleet-run.js';
import { SeqTracker } from '../../../tools/fleet/seq-tracker.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { Contract } from '../publish/support.js';

const RATES = {
  mqtt: { stateMinIntervalS: 1, heartbeatS: 2, classIntervalS: 1, alertCooldownS: 60 },
  healthIntervalS: 2,
};

/**
 * A stand-in for the hub's side of the contract the simulator reads (issue 16): POST /api/login
 * with a JSON user and password sets a session cookie; GET /api/events with it streams every MQTT
 * message as SSE data {room, device, kind, receivedMs, payload}. Only what the simulator needs.
 */
async function fakeHub(brokerUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const streams = new Set<ServerResponse>();
  const client = await mqtt.connectAsync(brokerUrl, { clientId: 'fake-hub' });
  client.on('message', (topic, body) => {
    const [, room, device, kind] = topic.split('/');
    const data = {
      room,
      device,
      kind,
      receivedMs: Date.now(),
      payload: JSON.parse(body.toString()),
    };
    for (const res of streams) res.write(`data: ${JSON.stringify(data)}\n\n`);
  });
  await client.subscribeAsync('classpulse/#', { qos: 1 });
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/login') {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const { user, password } = JSON.parse(body) as { user: string; password: string };
        if (user !== 'teacher' || password !== 'secret') res.writeHead(401).end('{}');
        else
          res
            .writeHead(200, { 'set-cookie': 'sid=abc; HttpOnly; SameSite=Strict' })
            .end(JSON.stringify({ user, role: 'teacher', csrfToken: 't' }));
      });
    } else if (req.url === '/api/events' && req.headers.cookie === 'sid=abc') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
    } else res.writeHead(401).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await client.endAsync();
    },
  };
}

describe('fleet simulator', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes in the contract and loses nothing; the seq check catches a skipped seq', async () => {
    // An independent recorder: what the simulator publishes is the daemon's documented shape.
    const recorder = await mqtt.connectAsync(broker.url, { clientId: 'fleet-contract' });
    const contract = new Contract();
    const problems: string[] = [];
    const topics = new Set<string>();
    recorder.on('message', (topic, body) => {
      const base = topic.split('/').slice(0, 3).join('/');
      topics.add(topic.split('/')[3] ?? '');
      problems.push(...contract.check(base, topic, body));
    });
    await recorder.subscribeAsync('classpulse/#', { qos: 1 });

    const report = await runFleet({
      url: broker.url,
      rooms: 3,
      students: 4,
      durationS: 3,
      warmupS: 1,
      rates: RATES,
      tickMs: 500,
      skipSeq: 7,
    });
    await recorder.endAsync();

    expect(problems).toEqual([]);
    // Alerts come when a simulated student turns tired or looks around: maybe, in 4 s.
    expect([...topics].filter((t) => t !== 'alerts').sort()).toEqual([
      'class',
      'health',
      'status',
      'students',
    ]);
    expect(report.received.messages).toBeGreaterThan(20);
    expect(report.received.msgPerS).toBeGreaterThan(0);
    expect(report.publishErrors).toBe(0);
    // Box 1 skipped seq 7: exactly that one is reported missing, nothing else.
    expect(report.loss).toMatchObject({ devices: 3, missing: 1, duplicates: 0 });
    expect(report.loss.examples).toEqual(['box-001#7']);
  }, 30_000);

  it('reads the hub stream: latency from tMs, loss by seq, the hub process sampled', async () => {
    const hub = await fakeHub(broker.url);
    try {
      const report = await runFleet({
        url: broker.url,
        rooms: 2,
        students: 3,
        durationS: 2,
        warmupS: 1,
        rates: RATES,
        tickMs: 500,
        hub: { url: hub.url, user: 'teacher', password: 'secret' },
        hubPids: [process.pid],
      });
      const stream = report.hub?.stream;
      expect(stream?.seq).toMatchObject({ devices: 2, missing: 0, duplicates: 0 });
      expect(stream?.events).toBeGreaterThanOrEqual(report.loss.received);
      expect(stream?.latencyMs.samples).toBeGreaterThan(0);
      expect(stream?.latencyMs.p95).toBeLessThan(1000);
      expect(report.hub?.processes[0]?.rssMbMax).toBeGreaterThan(10);
      await expect(
        runFleet({
          url: broker.url,
          rooms: 1,
          students: 1,
          durationS: 1,
          warmupS: 0,
          rates: RATES,
          tickMs: 500,
          hub: { url: hub.url, user: 'teacher', password: 'wrong' },
        }),
      ).rejects.toThrow(/login as teacher answered 401/);
    } finally {
      await hub.close();
    }
  }, 30_000);

  it('counts gaps, duplicates and a missing tail per device', () => {
    const seqs = new SeqTracker();
    for (const seq of [1, 2, 4, 4, 5]) seqs.add('a', seq);
    seqs.add('b', 1);
    seqs.add('b', undefined); // health: no seq, not counted
    expect(seqs.report(new Map([['b', 3]]))).toEqual({
      devices: 2,
      received: 6,
      missing: 3,
      duplicates: 1,
      examples: ['a#3', 'b#2', 'b#3'],
    });
    expect(seqs.caughtUp(new Map([['a', 5]]))).toBe(true);
    expect(seqs.caughtUp(new Map([['b', 3]]))).toBe(false);
  });
});
