// A track's published id changing (erasure, recognition) against a real mosquitto: the old id gets
// one final `present: false` and then nothing, not even a heartbeat; nothing about it is retained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../../helpers/mosquitto.js';
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

const BASE = 'classpulse/lab/box-test';
const HEARTBEAT_MS = 1000;

describe('MqttPublisher on a published id change', () => {
  let broker: Mosquitto;
  const state = tempDir('idchange');
  const contract = new Contract();

  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker?.stop();
    state.remove();
  });

  function start(dir: string) {
    const config = testConfig(
      deviceEnv(broker.url, `${state.dir}/${dir}`, {
        CLASSPULSE_MQTT_HEARTBEAT_S: HEARTBEAT_MS / 1000,
        CLASSPULSE_MQTT_STATE_MIN_INTERVAL_S: 0,
      }),
    );
    return testPublisher(config);
  }

  it('ends an erased id with one present:false carrying none of its values, then silence', async () => {
    const recorder = await Recorder.connect(broker.url, `${BASE}/students/+`, 'rec-erase');
    const publisher = start('erase');
    await publisher.start();
    publisher.setCamera('open');
    const t0 = Date.now();
    for (let i = 1; i <= 3; i++)
      publisher.publish(
        { type: 'state', tMs: i, track: 'ana', signals: signals({ blinks: 10 + i, turns: 4 }) },
        t0 + i,
      );
    await waitFor('ana reported', () => recorder.json('/students/ana').length > 0);
    const erasedAt = Date.now();
    publisher.publish(
      { type: 'identity', tMs: 4, from: 'ana', to: 'anon-1', reason: 'erased' },
      erasedAt,
    );
    publisher.publish(
      { type: 'state', tMs: 4, track: 'anon-1', signals: signals({ blinks: 0 }) },
      erasedAt,
    );
    // Three heartbeat intervals: anon-1 keeps its heartbeat, ana must have had none.
    await new Promise((r) => setTimeout(r, 3 * HEARTBEAT_MS + 500));
    const ana = recorder.json('/students/ana');
    const final = ana.at(-1);
    expect(final).toMatchObject({ student: 'ana', present: false, blinks: null, turns: 0 });
    expect(ana.filter((m) => m.present === false)).toHaveLength(1);
    expect(ana.filter((m) => (m.tMs as number) >= erasedAt)).toEqual([final]);
    const anon = recorder.json('/students/anon-1');
    expect(anon.length).toBeGreaterThanOrEqual(3); // first state + heartbeats
    expect(anon.every((m) => m.present === true)).toBe(true);
    for (const m of recorder.messages) expect(contract.check(BASE, m.topic, m.payload)).toEqual([]);

    // Nothing about the old id stays on the broker for a late subscriber.
    const late = await Recorder.connect(broker.url, `${BASE}/students/#`, 'rec-erase-late');
    await new Promise((r) => setTimeout(r, 300));
    expect(late.messages.filter((m) => m.topic.endsWith('/ana'))).toEqual([]);
    expect(late.messages.every((m) => !m.retain)).toBe(true);
    await late.close();
    await recorder.close();
    await publisher.stop('done');
  });

  it('moves a recognised track to its new id at once, with its signals', async () => {
    const recorder = await Recorder.connect(broker.url, `${BASE}/students/+`, 'rec-recognise');
    const publisher = start('recognise');
    await publisher.start();
    publisher.setCamera('open');
    const now = Date.now();
    publisher.publish(
      { type: 'state', tMs: 1, track: 'anon-2', signals: signals({ blinks: 7 }) },
      now,
    );
    publisher.publish(
      { type: 'identity', tMs: 2, from: 'anon-2', to: 'ben', reason: 'recognised' },
      now + 1,
    );
    await waitFor('ben reported', () => recorder.json('/students/ben').length > 0);
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS + 500));
    expect(recorder.json('/students/anon-2').map((m) => [m.present, m.blinks])).toEqual([
      [true, 7],
      [false, 7],
    ]);
    const ben = recorder.json('/students/ben');
    expect(ben[0]).toMatchObject({ present: true, blinks: 7 });
    expect(ben.length).toBeGreaterThanOrEqual(2); // heartbeats go on under the new id
    await recorder.close();
    await publisher.stop('done');
  });
});
