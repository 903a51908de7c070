// The fleet simulator (tools/fleet) against a real mosquitto: a few boxes for a few seconds, every
// message in the documented contract, nothing lost by seq, and the seq check catching a gap when
// a box skips one. Short intervals so a few seconds hold class summaries and heartbeats.
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
