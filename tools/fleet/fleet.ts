// `npm run fleet -- [--rooms N] [--students S] [--duration-s D] [--warmup-s W] [--url URL]
//   [--hub-url URL --hub-user U --hub-password P] [--hub-pid PID]... [--json]`
// Plays N classroom boxes of S students into a broker (default: a local mosquitto started like the
// tests start one) with the daemon's topics, payloads and rates (defaults of src/config/schema.ts),
// checks every box's seq at a subscriber, and with --hub-url measures the hub's SSE stream.
// docs/scaling.md has the measured figures. Exit 0 when nothing was lost, 1 otherwise, 64 on
// bad arguments.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import { Mosquitto } from '../../test/helpers/mosquitto.js';
import { type FleetReport, runFleet } from './fleet-run.js';

const USAGE =
  'usage: npm run fleet -- [--rooms N] [--students S] [--duration-s D] [--warmup-s W] [--url URL]\n' +
  '  [--hub-url URL --hub-user U --hub-password P] [--hub-pid PID]... [--json]\n';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '50' },
    students: { type: 'string', default: '30' },
    'duration-s': { type: 'string', default: '60' },
    'warmup-s': { type: 'string', default: '20' },
    url: { type: 'string' },
    'hub-url': { type: 'string' },
    'hub-user': { type: 'string' },
    'hub-password': { type: 'string' },
    'hub-pid': { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});

const rooms = Number(values.rooms);
const students = Number(values.students);
const durationS = Number(values['duration-s']);
const warmupS = Number(values['warmup-s']);
const hubPids = (values['hub-pid'] ?? []).map(Number);
const hubArgs = [values['hub-url'], values['hub-user'], values['hub-password']];
if (
  ![rooms, students, durationS].every((n) => Number.isInteger(n) && n > 0) ||
  !(warmupS >= 0) ||
  hubPids.some((p) => !Number.isInteger(p) || p <= 0) ||
  (hubArgs.some((a) => a !== undefined) && hubArgs.some((a) => a === undefined))
) {
  process.stderr.write(USAGE);
  process.exit(64);
}

// The daemon's rates are its defaults: what a box publishes out of the box.
const { config } = loadConfig({ file: '/dev/null', env: {} });
const broker = values.url === undefined ? await Mosquitto.start() : undefined;
const url = values.url ?? broker?.url ?? '';
const progress = (line: string) => process.stderr.write(`fleet: ${line}\n`);
progress(
  `${rooms} rooms × ${students} students into ${url}, ${warmupS} s warm-up + ${durationS} s`,
);
let report: FleetReport;
try {
  const [hubUrl, hubUser, hubPassword] = hubArgs;
  report = await runFleet({
    url,
    rooms,
    students,
    durationS,
    warmupS,
    rates: { mqtt: config.mqtt, healthIntervalS: config.health.intervalS },
    tickMs: 500,
    ...(hubUrl && hubUser && hubPassword
      ? { hub: { url: hubUrl, user: hubUser, password: hubPassword } }
      : {}),
    hubPids,
    ...(broker?.pid !== undefined ? { brokerPid: broker.pid } : {}),
    progress,
  });
} finally {
  await broker?.stop();
}

process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : table(report));
process.exit(report.loss.missing === 0 && (report.hub?.stream.seq.missing ?? 0) === 0 ? 0 : 1);

function table(r: FleetReport): string {
  const rows: Array<[string, string]> = [
    ['rooms × students', `${r.rooms} × ${r.students}`],
    ['measured', `${r.measuredS} s`],
    ['published', `${r.published.msgPerS} msg/s, ${kb(r.published.bytesPerS)}`],
    ['received (broker side)', `${r.received.msgPerS} msg/s, ${kb(r.received.bytesPerS)}`],
    [
      'per room',
      `${round(r.received.msgPerS / r.rooms)} msg/s, ${kb(r.received.bytesPerS / r.rooms)}`,
    ],
    [
      'messages per second',
      `min ${r.received.perSecond.min}, median ${r.received.perSecond.median}, max ${r.received.perSecond.max}`,
    ],
    ['publish → subscriber', latency(r.received.latencyMs)],
    ['lost / duplicated (seq)', `${r.loss.missing} / ${r.loss.duplicates} of ${r.loss.received}`],
    ['publish errors', String(r.publishErrors)],
    ['simulator CPU / RSS', load(r.simulator)],
  ];
  if (r.broker) rows.push(['mosquitto CPU / RSS', load(r.broker)]);
  if (r.hub) {
    const s = r.hub.stream;
    rows.push(
      ['hub SSE events', `${s.events} (${s.malformed} malformed)`],
      ['publish → SSE', latency(s.latencyMs)],
      ['SSE lost / duplicated (seq)', `${s.seq.missing} / ${s.seq.duplicates}`],
    );
    for (const p of r.hub.processes) rows.push([`hub pid ${p.pid} CPU / RSS`, load(p)]);
  }
  if (r.loss.examples.length > 0) rows.push(['lost, e.g.', r.loss.examples.join(' ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function kb(bytesPerS: number): string {
  return `${round(bytesPerS / 1024)} KiB/s`;
}

function latency(l: { p50: number; p95: number; max: number }): string {
  return `p50 ${l.p50} ms, p95 ${l.p95} ms, max ${l.max} ms`;
}

function load(l: { cpuPctMean: number; cpuPctMax: number; rssMbMax: number }): string {
  return `${l.cpuPctMean} % of a core (max ${l.cpuPctMax} %), ${l.rssMbMax} MB`;
}
