// Zero loss against a real mosquitto: the last will fires when the daemon's socket dies; broker
// restarts in the middle of a replay lose no QoS1 message; a daemon SIGKILLed while the broker is
// down loses nothing once restarted. "Lost" is judged by seq at a persistent subscriber.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { PublisherChild } from './child-process.js';
import {
  Contract,
  deviceEnv,
  Recorder,
  signals,
  tempDir,
  testConfig,
  testPublisher,
  waitFor,
} from './support.js';

const baseOf = (device: string) => `classpulse/lab/${device}`;
const FAST = {
  CLASSPULSE_MQTT_STATE_MIN_INTERVAL_S: 0,
  CLASSPULSE_MQTT_ALERT_COOLDOWN_S: 0,
};

const contract = new Contract();

/** Every seq from 1 to `last` arrived, copies of a seq are byte-identical, all match the schemas. */
function expectComplete(recorder: Recorder, last: number, base: string): void {
  const problems = recorder.messages.flatMap((m) => contract.check(base, m.topic, m.payload));
  expect(problems.slice(0, 5)).toEqual([]);
  const bySeq = new Map<number, string>();
  const changed: number[] = [];
  for (const m of recorder.messages) {
    const text = m.payload.toString();
    const seq = (JSON.parse(text) as { seq?: number }).seq;
    if (seq === undefined) continue;
    if (bySeq.has(seq) && bySeq.get(seq) !== text) changed.push(seq);
    bySeq.set(seq, text);
  }
  const missing: number[] = [];
  for (let seq = 1; seq <= last; seq++) if (!bySeq.has(seq)) missing.push(seq);
  expect(missing.slice(0, 20)).toEqual([]);
  expect(changed).toEqual([]);
  expect(Math.max(...bySeq.keys())).toBe(last);
}

describe('durability with mosquitto', () => {
  let broker: Mosquitto;
  const state = tempDir('durable');
  const children: PublisherChild[] = [];
  const recorders: Recorder[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    for (const recorder of recorders.splice(0)) await recorder.close();
    if (!broker.running) await broker.launch();
  });
  afterAll(async () => {
    await broker?.stop();
    state.remove();
  });

  it('publishes the last will when the daemon socket dies', async () => {
    const base = baseOf('box-will');
    const recorder = await Recorder.connect(broker.url, `${base}/status`, 'rec-will');
    recorders.push(recorder);
    const env = deviceEnv(broker.url, `${state.dir}/will`, { CLASSPULSE_DEVICE_ID: 'box-will' });
    const child = new PublisherChild(env, 'drain');
    children.push(child);
    await child.until('connected', (s) => s.connected && s.queueDepth === 0);
    await waitFor('online', () => recorder.json('/status').some((s) => s.state === 'online'));
    await child.kill();
    await waitFor('will', () => recorder.json('/status').some((s) => s.state === 'offline'));
    const will = recorder.messages.at(-1);
    expect(JSON.parse(will?.payload.toString() ?? '{}')).toMatchObject({
      state: 'offline',
      reason: 'connection lost',
      device: 'box-will',
    });
    expect(contract.check(base, will?.topic ?? '', will?.payload ?? Buffer.from(''))).toEqual([]);
    // Retained: a subscriber arriving later sees "offline" too.
    const late = await Recorder.connect(broker.url, `${base}/status`, 'rec-will-late');
    recorders.push(late);
    await waitFor('retained will', () => late.messages.length > 0);
    expect(late.json('/status')[0]?.state).toBe('offline');
  });

  it('loses no QoS1 message over several broker restarts during a replay', async () => {
    const base = baseOf('box-replay');
    const recorder = await Recorder.connect(broker.url, `${base}/#`, 'rec-replay');
    recorders.push(recorder);
    const config = testConfig(
      deviceEnv(broker.url, `${state.dir}/replay`, { ...FAST, CLASSPULSE_DEVICE_ID: 'box-replay' }),
    );
    const publisher = testPublisher(config);
    await publisher.start();
    await waitFor('connect', () => publisher.stats().connected);
    await broker.halt();
    await waitFor('disconnect', () => !publisher.stats().connected);
    const outageMs = Date.now();
    const total = 3000;
    for (let i = 1; i <= total / 2; i++) {
      publisher.publish(
        { type: 'alert', tMs: i, alert: 'looking-around', track: `s${i % 30}`, reason: `${i}` },
        outageMs + i,
      );
      publisher.publish(
        { type: 'state', tMs: i, track: `s${i % 30}`, signals: signals({ blinks: i }) },
        outageMs + i,
      );
    }
    const queued = publisher.stats().queueDepth;
    expect(queued).toBeGreaterThanOrEqual(total);
    await broker.launch();
    // Restart the broker three times while the queue drains.
    const depthsAtRestart: number[] = [];
    for (const share of [0.75, 0.5, 0.25]) {
      await waitFor(`queue below ${share}`, () => publisher.stats().queueDepth < queued * share);
      depthsAtRestart.push(publisher.stats().queueDepth);
      await broker.restart(100);
    }
    // Each restart really hit the middle of the replay.
    expect(depthsAtRestart.every((depth) => depth > 0)).toBe(true);
    await waitFor('queue drained', () => publisher.stats().queueDepth === 0, 60_000);
    const last = publisher.stats().lastSeq;
    await waitFor('all seqs at the subscriber', () => recorder.seqs().size >= last, 30_000);
    expectComplete(recorder, last, base);
    // Late alerts keep the time they were raised at.
    const alerts = recorder.json('/alerts');
    expect(alerts.every((a) => (a.tMs as number) <= outageMs + total)).toBe(true);
    expect(publisher.stats().connects).toBeGreaterThanOrEqual(4);
    const problems = recorder.messages.flatMap((m) => contract.check(base, m.topic, m.payload));
    expect(problems.slice(0, 5)).toEqual([]);
    await publisher.stop('done');
  });

  it('at the queue bound drops the oldest state, keeps every alert, and reports the loss', async () => {
    const base = baseOf('box-bound');
    const recorder = await Recorder.connect(broker.url, `${base}/#`, 'rec-bound');
    recorders.push(recorder);
    const config = testConfig(
      deviceEnv(broker.url, `${state.dir}/bound`, {
        ...FAST,
        CLASSPULSE_DEVICE_ID: 'box-bound',
        CLASSPULSE_MQTT_QUEUE_MAX_MESSAGES: 100,
      }),
    );
    const publisher = testPublisher(config);
    await publisher.start();
    await waitFor(
      'connect',
      () => publisher.stats().connected && publisher.stats().queueDepth === 0,
    );
    await broker.halt();
    await waitFor('disconnect', () => !publisher.stats().connected);
    const now = Date.now();
    for (let i = 1; i <= 60; i++) {
      publisher.publish(
        { type: 'alert', tMs: i, alert: 'tired', track: `a${i}`, reason: 'r' },
        now,
      );
      for (let k = 0; k < 4; k++)
        publisher.publish(
          { type: 'state', tMs: i, track: `s${k}`, signals: signals({ blinks: i }) },
          now + i,
        );
    }
    const dropped = publisher.stats().droppedState;
    expect(dropped).toBe(60 + 240 - 100);
    await broker.launch();
    await waitFor(
      'drained',
      () => publisher.stats().connected && publisher.stats().queueDepth === 0,
    );
    const last = publisher.stats().lastSeq;
    // The birth after the outage is pushed into the full queue too and may push out one more.
    const droppedTotal = publisher.stats().droppedState;
    expect(droppedTotal - dropped).toBeLessThanOrEqual(1);
    await waitFor('all kept messages', () => recorder.seqs().size >= last - droppedTotal);
    expect(recorder.seqs().size).toBe(last - droppedTotal);
    expect(recorder.json('/alerts').length).toBe(60);
    // The newest state survived; the birth after the outage reports the loss.
    const blinks = recorder.json('/students/s3').map((m) => m.blinks);
    expect(blinks.at(-1)).toBe(60);
    expect(recorder.json('/status').at(-1)).toMatchObject({
      state: 'online',
      queueDropped: dropped,
    });
    await publisher.stop('done');
  });

  it('stops in bounded time when the broker hangs, and the next run delivers what was left', async () => {
    const base = baseOf('box-hang');
    const recorder = await Recorder.connect(broker.url, `${base}/#`, 'rec-hang');
    recorders.push(recorder);
    const env = deviceEnv(broker.url, `${state.dir}/hang`, {
      ...FAST,
      CLASSPULSE_DEVICE_ID: 'box-hang',
    });
    const make = () => {
      const config = testConfig(env);
      return testPublisher(config);
    };
    const first = make();
    await first.start();
    await waitFor('connect', () => first.stats().connected && first.stats().queueDepth === 0);
    broker.pause();
    try {
      for (let i = 1; i <= 20; i++)
        first.publish({ type: 'alert', tMs: i, alert: 'tired', track: `h${i}`, reason: 'r' }, i);
      const began = Date.now();
      await first.stop('hung broker');
      expect(Date.now() - began).toBeLessThan(8000);
    } finally {
      broker.resume();
    }
    const left = first.stats();
    expect(left.queueDepth).toBeGreaterThan(0);
    const second = make();
    await second.start();
    await waitFor('drained', () => second.stats().connected && second.stats().queueDepth === 0);
    const last = second.stats().lastSeq;
    await waitFor('all seqs', () => recorder.seqs().size >= last);
    expectComplete(recorder, last, base);
    expect(recorder.json('/alerts').length).toBeGreaterThanOrEqual(20);
    await second.stop('done');
  });

  it('loses nothing when the daemon is SIGKILLed while the broker is down', async () => {
    const recorder = await Recorder.connect(broker.url, `${baseOf('box-kill')}/#`, 'rec-kill');
    recorders.push(recorder);
    const env = deviceEnv(broker.url, `${state.dir}/kill`, {
      ...FAST,
      CLASSPULSE_DEVICE_ID: 'box-kill',
    });
    const first = new PublisherChild(env, 'produce');
    children.push(first);
    await first.until('connected and sending', (s) => s.connected && s.sent > 50);
    await broker.halt();
    const atOutage = await first.until('disconnected', (s) => !s.connected);
    await first.until('queued during the outage', (s) => s.queueDepth > atOutage.queueDepth + 100);
    await first.kill();
    const seenBefore = recorder.seqs().size;
    await broker.launch();
    const second = new PublisherChild(env, 'drain');
    children.push(second);
    const drained = await second.until('drained', (s) => s.connected && s.queueDepth === 0);
    await waitFor('all seqs at the subscriber', () => recorder.seqs().size >= drained.lastSeq);
    expectComplete(recorder, drained.lastSeq, baseOf('box-kill'));
    expect(recorder.seqs().size - seenBefore).toBeGreaterThan(100);
  });
});
