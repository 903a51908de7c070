// `replay`: with --trace, one JSON object per line on stdout and nothing else there (logs go to
// stderr); always, a summary of what was seen. Times are media time of the video in ms.
// Format: docs/replay-trace.md.
import type { CameraState } from '../capture/frame.js';
import type { Event, EventType } from '../events/types.js';
import type { EventSink } from './event-sink.js';

/** What the trace carries: per-frame lines, blinks, turns, and what the daemon would publish. */
const TRACED: ReadonlySet<EventType> = new Set([
  'frame',
  'blink',
  'turn',
  'state',
  'alert',
  'class',
]);

export interface ReplaySummary {
  frames: number;
  lastMs: number;
  maxFaces: number;
  tracks: string[];
  blinks: Record<string, number>;
  turns: Record<string, { left: number; right: number }>;
  alerts: Record<string, number>;
}

export class TraceSink implements EventSink {
  private pending = '';
  readonly summary: ReplaySummary = {
    frames: 0,
    lastMs: 0,
    maxFaces: 0,
    tracks: [],
    blinks: {},
    turns: {},
    alerts: {},
  };

  constructor(
    private readonly trace: boolean,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  publish(event: Event): void {
    this.count(event);
    if (!this.trace || !TRACED.has(event.type)) return;
    this.pending += `${JSON.stringify(event)}\n`;
    // Batch small writes: a pipe gets a few large chunks instead of one per event.
    if (this.pending.length > 16_384) this.flush();
  }

  private count(event: Event): void {
    const s = this.summary;
    switch (event.type) {
      case 'frame':
        s.frames++;
        s.lastMs = event.tMs;
        s.maxFaces = Math.max(s.maxFaces, event.faces);
        return;
      case 'track':
        if (event.change === 'born') s.tracks.push(event.track);
        return;
      case 'blink':
        s.blinks[event.track] = (s.blinks[event.track] ?? 0) + 1;
        return;
      case 'turn': {
        const turns = s.turns[event.track] ?? { left: 0, right: 0 };
        turns[event.direction]++;
        s.turns[event.track] = turns;
        return;
      }
      case 'alert':
        s.alerts[event.alert] = (s.alerts[event.alert] ?? 0) + 1;
        return;
      default:
        return;
    }
  }

  setCamera(_state: CameraState): void {}

  private flush(): void {
    if (!this.pending) return;
    this.out.write(this.pending);
    this.pending = '';
  }

  async stop(): Promise<void> {
    if (!this.trace) this.pending = `${JSON.stringify({ type: 'summary', ...this.summary })}\n`;
    const last = this.pending;
    this.pending = '';
    await new Promise<void>((resolve) => this.out.write(last, () => resolve()));
  }
}
