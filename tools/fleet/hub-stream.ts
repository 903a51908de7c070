// Attaches to the hub's dashboard stream as a browser would: POST /api/login {user, password}
// (200 {user, role, csrfToken} and a session cookie), then GET /api/events with the cookie, a
// Server-Sent Events stream whose `data:` lines are JSON {room, device, kind, receivedMs, payload},
// payload being the box's MQTT JSON. Publish-to-SSE latency is arrival here minus the payload's
// tMs (the boxes and this process share the clock); loss is checked by the payload's seq.
import { quantile } from '../../src/bench/stats.js';
import { SeqTracker } from './seq-tracker.js';

export interface HubStreamOptions {
  url: string;
  user: string;
  password: string;
  /** Only messages whose tMs is at or after this count (the hub's replay of retained state is older). */
  sinceMs: number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

/** Percentiles of latencies in ms (0 when there are none). */
export function latencySummary(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { p50: 0, p95: 0, max: 0, samples: 0 };
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: r(quantile(values, 0.5)),
    p95: r(quantile(values, 0.95)),
    max: values.reduce((a, b) => Math.max(a, b), 0),
    samples: values.length,
  };
}

export interface HubStreamReport {
  events: number;
  bytes: number;
  latencyMs: LatencySummary;
  seq: ReturnType<SeqTracker['report']>;
  /** Lines that were not the documented event JSON. */
  malformed: number;
}

interface HubEvent {
  device?: unknown;
  payload?: { seq?: unknown; tMs?: unknown; device?: unknown };
}

export class HubStream {
  private readonly options: HubStreamOptions;
  private readonly abort = new AbortController();
  private readonly latencies: number[] = [];
  private readonly seqs = new SeqTracker();
  private events = 0;
  private bytes = 0;
  private malformed = 0;
  private reading: Promise<void> | undefined;

  constructor(options: HubStreamOptions) {
    this.options = options;
  }

  /** Logs in and starts reading the stream; throws with the hub's answer when login fails. */
  async start(): Promise<void> {
    const base = this.options.url.replace(/\/$/, '');
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: this.options.user, password: this.options.password }),
    });
    if (login.status !== 200)
      throw new Error(
        `hub login as ${this.options.user} answered ${login.status}: ${await login.text()}`,
      );
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    if (cookie === '') throw new Error('hub login set no session cookie');
    const events = await fetch(`${base}/api/events`, {
      headers: { cookie, accept: 'text/event-stream' },
      signal: this.abort.signal,
    });
    if (events.status !== 200 || !events.body)
      throw new Error(`hub /api/events answered ${events.status}`);
    this.reading = this.read(events.body);
  }

  /** `expectLast`: device → last seq it published (the tail counts as lost when it never came). */
  async stop(expectLast: ReadonlyMap<string, number>): Promise<HubStreamReport> {
    this.abort.abort();
    await this.reading?.catch((error: unknown) => {
      if ((error as Error).name !== 'AbortError') throw error;
    });
    return {
      events: this.events,
      bytes: this.bytes,
      latencyMs: latencySummary(this.latencies),
      seq: this.seqs.report(expectLast),
      malformed: this.malformed,
    };
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let data: string[] = [];
    for await (const chunk of body) {
      this.bytes += chunk.byteLength;
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (data.length > 0) this.onEvent(data.join('\n'));
          data = [];
        } else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        newline = buffer.indexOf('\n');
      }
    }
  }

  private onEvent(text: string): void {
    const arrivedMs = Date.now();
    let event: HubEvent;
    try {
      event = JSON.parse(text) as HubEvent;
    } catch {
      this.malformed += 1; // keep-alives and other events are not ours to judge
      return;
    }
    const payload = event.payload;
    if (!payload || typeof payload !== 'object') {
      this.malformed += 1;
      return;
    }
    this.events += 1;
    if (typeof payload.tMs !== 'number' || payload.tMs < this.options.sinceMs) return;
    const device = typeof event.device === 'string' ? event.device : String(payload.device);
    this.seqs.add(device, payload.seq);
    this.latencies.push(arrivedMs - payload.tMs);
  }
}
