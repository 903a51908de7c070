// The daemon as a technician runs it: `classpulse run` on a real talking-face clip, publishing to
// a real mosquitto. Everything that reaches the broker is checked against the documented contract.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, jsonLines, ROOT, runCli } from '../helpers/cli.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Contract, Recorder, tempDir } from '../integration/publish/support.js';

const DEMO = join(ROOT, 'config/demo.yaml');
const BASE = 'classpulse/lab/box-e2e';

describe('classpulse run → mosquitto', () => {
  let broker: Mosquitto;
  let recorder: Recorder;
  const state = tempDir('classpulse-e2e-');

  beforeAll(async () => {
    broker = await Mosquitto.start();
    recorder = await Recorder.connect(
      `mqtt://127.0.0.1:${broker.port}`,
      `${BASE}/#`,
      'e2e-recorder',
    );
  });

  afterAll(async () => {
    await recorder?.close();
    await broker?.stop();
    state.remove();
  });

  it('publishes status, per-student state and the class summary for the clip, all within the contract', async () => {
    const result = await runCli(
      ['run', '--config', DEMO],
      cleanEnv({
        CLASSPULSE_DEVICE_ID: 'box-e2e',
        CLASSPULSE_DEVICE_ROOM: 'lab',
        CLASSPULSE_DEVICE_STATE_DIR: state.dir,
        CLASSPULSE_MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
        CLASSPULSE_CAMERA_REALTIME: 'false',
        CLASSPULSE_MQTT_CLASS_INTERVAL_S: '1',
      }),
    );
    expect(result.code, result.stdout.slice(-2000) + result.stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const contract = new Contract();
    const problems = recorder.messages.flatMap((m) => contract.check(BASE, m.topic, m.payload));
    expect(problems).toEqual([]);
    for (const m of recorder.messages) {
      expect(m.payload.length, m.topic).toBeLessThanOrEqual(4096);
      expect(m.payload.toString()).not.toMatch(/embedding|descriptor/i);
    }

    const statuses = recorder.json('/status');
    expect(statuses[0]).toMatchObject({ state: 'online' });
    expect(statuses.at(-1)).toMatchObject({ state: 'offline', reason: 'end of input' });

    const students = recorder.messages.filter((m) => m.topic.startsWith(`${BASE}/students/`));
    expect(new Set(students.map((m) => m.topic))).toEqual(new Set([`${BASE}/students/anon-1`]));
    expect(recorder.json('/class').length).toBeGreaterThan(0);

    // Every QoS1 message carries the next seq: nothing lost, nothing duplicated.
    const seqs = [...recorder.seqs()].sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(3);
    expect((seqs.at(-1) ?? 0) - (seqs[0] ?? 0) + 1).toBe(seqs.length);

    const final = jsonLines(result.stdout).find((l) => l.msg === 'stats' && l.kind === 'final');
    expect(final).toMatchObject({ camera: 'ended', framesProcessed: 306 });
  });
});
