// Runs a fleet: N simulated boxes of S students each publishing into one broker, a subscriber that
// checks every box's seq and measures messages/s, bytes/s and publish-to-subscriber latency, and,
// optionally, the hub's SSE stream and the CPU/RSS of the hub's processes. One timer drives all
// boxes: each tick serves one of PHASES groups, so every box ticks every tickMs, boxes spread
// over the interval as real boxes would be, and the simulator's own cost stays small.
import mqtt from 'mqtt';
import { quantile } from '../../src/bench/stats.js';
import {
  HubStream,
  type HubStreamReport,
  type LatencySummary,
  latencySummary,
} from './hub-stream.js';
import { type LoadSummary, ProcessLoad } from './process-load.js';
import { type SeqReport, SeqTracker } from './seq-tracker.js';
import { type BoxRates, SimulatedBox } from './simulated-box.js';

const PHASES = 5;
const CONNECT_BATCH = 25;
const DRAIN_TIMEOUT_MS = 15_000;

export interface FleetOptions {
  url: string;
  rooms: number;
  students: number;
  /** Measured seconds, after the warm-up. */
  durationS: number;
  /**
   * Seconds before measuring: every box starts within the first state interval (15 s) and reports
   * each student once at its start; measuring begins after that burst.
   */
  warmupS: number;
  rates: BoxRates;
  /** The daemon publisher's tick (500 ms). */
  tickMs: number;
  hub?: { url: string; user: string; password: string };
  hubPids?: number[];
  /** The broker's pid, when this process started it. */
  brokerPid?: number;
  /** Test hook: the first box skips this seq once (the checker must report it missing). */
  skipSeq?: number;
  progress?: (line: string) => void;
}

export interface Throughput {
  messages: number;
  msgPerS: number;
  bytesPerS: number;
}

export interface FleetReport {
  rooms: number;
  students: number;
  measuredS: number;
  published: Throughput;
  received: Throughput & {
    latencyMs: LatencySummary;
    /** Messages in each whole second of the measurement: how bursty the stream is. */
    perSecond: { min: number; median: number; max: number };
  };
  /** Broker-side loss, every box's seqs from 1 to its last. */
  loss: SeqReport;
  publishErrors: number;
  simulator: LoadSummary;
  broker?: LoadSummary;
  hub?: { stream: HubStreamReport; processes: LoadSummary[] };
}

interface Window {
  messages: number;
  bytes: number;
  latencies: number[];
}

export async function runFleet(options: FleetOptions): Promise<FleetReport> {
  const log = options.progress ?? (() => {});
  const seqs = new SeqTracker();
  const window: Window = { messages: 0, bytes: 0, latencies: [] };
  let measuring = false;
  const subscriber = await mqtt.connectAsync(options.url, {
    clientId: `fleet-checker-${process.pid}`,
    protocolVersion: 5,
    clean: true,
  });
  // Retained messages of an earlier run (a status with its seq) are not this run's.
  const runStartMs = Date.now();
  subscriber.on('message', (topic, body, packet) => {
    const arrivedMs = Date.now();
    const payload = JSON.parse(body.toString()) as { device?: string; seq?: unknown; tMs?: number };
    if (packet.retain || (payload.tMs ?? 0) < runStartMs) return;
    if (typeof payload.device === 'string') seqs.add(payload.device, payload.seq);
    if (!measuring) return;
    window.messages += 1;
    window.bytes += topic.length + body.length;
    if (typeof payload.tMs === 'number') window.latencies.push(arrivedMs - payload.tMs);
  });
  await subscriber.subscribeAsync('classpulse/#', { qos: 1 });

  const hub = options.hub ? new HubStream({ ...options.hub, sinceMs: runStartMs }) : undefined;
  try {
    await hub?.start();
  } catch (error) {
    await subscriber.endAsync();
    throw error;
  }

  const boxes = Array.from({ length: options.rooms }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return new SimulatedBox({
      url: options.url,
      room: `room-${n}`,
      device: `box-${n}`,
      students: options.students,
      seed: i + 1,
      rates: options.rates,
      ...(i === 0 && options.skipSeq !== undefined ? { skipSeq: options.skipSeq } : {}),
    });
  });
  for (let i = 0; i < boxes.length; i += CONNECT_BATCH)
    await Promise.all(boxes.slice(i, i + CONNECT_BATCH).map((b) => b.connect()));
  log(`${boxes.length} boxes connected`);

  let phase = 0;
  const ticker = setInterval(() => {
    const now = Date.now();
    for (let i = phase; i < boxes.length; i += PHASES) boxes[i]?.tick(now);
    phase = (phase + 1) % PHASES;
  }, options.tickMs / PHASES);

  await sleep(options.warmupS * 1000);
  const loads = {
    self: new ProcessLoad(process.pid),
    broker: options.brokerPid !== undefined ? new ProcessLoad(options.brokerPid) : undefined,
    hub: (options.hubPids ?? []).map((pid) => new ProcessLoad(pid)),
  };
  const all = () => [loads.self, ...(loads.broker ? [loads.broker] : []), ...loads.hub];
  const published0 = sumCounters(boxes);
  measuring = true;
  const startedMs = performance.now();
  const perSecond: number[] = [];
  let countedMessages = 0;
  const sampler = setInterval(() => {
    for (const load of all()) load.sample();
    perSecond.push(window.messages - countedMessages);
    countedMessages = window.messages;
  }, 1000);
  for (let s = 10; s < options.durationS; s += 10) {
    await sleep(10_000);
    log(`${s} s: ${window.messages} messages received`);
  }
  await sleep((options.durationS % 10 || 10) * 1000);
  clearInterval(sampler);
  for (const load of all()) load.sample();
  measuring = false;
  const measuredS = (performance.now() - startedMs) / 1000;
  const published1 = sumCounters(boxes);
  clearInterval(ticker);

  await Promise.all(boxes.map((b) => b.stop()));
  const expectLast = new Map(boxes.map((b) => [b.device, b.counters.lastSeq]));
  await drain(seqs, expectLast);
  const hubReport = await hub?.stop(expectLast);
  await subscriber.endAsync();

  const rate = (v: number) => Math.round((v / measuredS) * 10) / 10;
  return {
    rooms: options.rooms,
    students: options.students,
    measuredS: Math.round(measuredS * 10) / 10,
    published: {
      messages: published1.published - published0.published,
      msgPerS: rate(published1.published - published0.published),
      bytesPerS: rate(published1.bytes - published0.bytes),
    },
    received: {
      messages: window.messages,
      msgPerS: rate(window.messages),
      bytesPerS: rate(window.bytes),
      latencyMs: latencySummary(window.latencies),
      perSecond:
        perSecond.length === 0
          ? { min: 0, median: 0, max: 0 }
          : {
              min: Math.min(...perSecond),
              median: quantile(perSecond, 0.5),
              max: Math.max(...perSecond),
            },
    },
    loss: seqs.report(expectLast),
    publishErrors: published1.errors,
    simulator: loads.self.summary(),
    ...(loads.broker ? { broker: loads.broker.summary() } : {}),
    ...(hubReport
      ? { hub: { stream: hubReport, processes: loads.hub.map((l) => l.summary()) } }
      : {}),
  };
}

function sumCounters(boxes: SimulatedBox[]) {
  const total = { published: 0, bytes: 0, errors: 0 };
  for (const { counters } of boxes) {
    total.published += counters.published;
    total.bytes += counters.bytes;
    total.errors += counters.errors;
  }
  return total;
}

/** Waits until the checker has seen every box's last seq (or the timeout: then they count lost). */
async function drain(seqs: SeqTracker, expectLast: ReadonlyMap<string, number>): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < deadline && !seqs.caughtUp(expectLast)) await sleep(200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
