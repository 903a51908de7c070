// The command router on its own: validation, one outcome per request, errors by kind, timeouts,
// requests run one at a time, and the published request schema equals the one enforced.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_REQUEST_SCHEMA,
  type CommandHandler,
  CommandRouter,
} from '../../../src/publish/commands.js';
import { TopicMap } from '../../../src/publish/topics.js';

function handler(overrides: Partial<CommandHandler> = {}): CommandHandler & { log: string[] } {
  const log: string[] = [];
  const step = (name: string) => async () => {
    log.push(`${name}:begin`);
    await new Promise((r) => setTimeout(r, 5));
    log.push(`${name}:end`);
  };
  return {
    log,
    start: step('start'),
    stop: step('stop'),
    reset: step('reset'),
    reload: async () => {
      await step('reload')();
      return { status: 'applied', applied: ['camera'], needRestart: [] };
    },
    snapshot: async () => ({ path: '/tmp/snap.jpg' }),
    status: async () => ({ camera: 'open' }),
    ...overrides,
  };
}

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('CommandRouter', () => {
  it('validates the request before running anything', async () => {
    const h = handler();
    const router = new CommandRouter({ handler: h, snapshotsAllowed: true, timeoutMs: 1000 });
    const cases: Array<[string, Buffer, string]> = [
      ['start', Buffer.from('{oops'), 'bad-request'],
      ['start', body({ id: 'a b' }), 'bad-request'],
      ['start', body({ id: 'ok', extra: 1 }), 'bad-request'],
      ['start', body([]), 'bad-request'],
      ['start', Buffer.alloc(5000, 0x20), 'bad-request'],
      ['launch', body({ id: 'x' }), 'unknown-command'],
    ];
    for (const [name, request, code] of cases)
      expect((await router.handle(name, request)).error?.code).toBe(code);
    expect(h.log).toEqual([]);
    expect(await router.handle('start', Buffer.alloc(0))).toEqual({ cmd: 'start', ok: true });
  });

  it('runs commands one at a time', async () => {
    const h = handler();
    const router = new CommandRouter({ handler: h, snapshotsAllowed: true, timeoutMs: 1000 });
    await Promise.all([router.handle('start', body({})), router.handle('stop', body({}))]);
    expect(h.log).toEqual(['start:begin', 'start:end', 'stop:begin', 'stop:end']);
  });

  it('reports handler failures, timeouts, a missing handler and disabled snapshots', async () => {
    const slow = handler({ reload: () => new Promise(() => undefined) });
    const router = new CommandRouter({ handler: slow, snapshotsAllowed: false, timeoutMs: 50 });
    expect((await router.handle('reload', body({ id: 'r' }))).error?.code).toBe('timeout');
    expect((await router.handle('snapshot', body({}))).error?.code).toBe('disabled');
    const failing = new CommandRouter({
      handler: handler({
        reset: async () => {
          throw new Error('no tracker');
        },
      }),
      snapshotsAllowed: true,
      timeoutMs: 50,
    });
    expect(await failing.handle('reset', body({ id: 'z' }))).toEqual({
      cmd: 'reset',
      id: 'z',
      ok: false,
      error: { code: 'failed', message: 'no tracker' },
    });
    const none = new CommandRouter({ snapshotsAllowed: true, timeoutMs: 50 });
    expect((await none.handle('status', body({}))).error).toEqual({
      code: 'unavailable',
      message: 'the daemon is still starting',
    });
    // The daemon is built after the connection that carries its commands, then serves them.
    none.serve(handler());
    expect((await none.handle('status', body({}))).ok).toBe(true);
  });

  it('replies to reload with what was applied and what needs a restart', async () => {
    const router = new CommandRouter({
      handler: handler(),
      snapshotsAllowed: true,
      timeoutMs: 100,
    });
    expect(await router.handle('reload', body({ id: 'r1' }))).toEqual({
      cmd: 'reload',
      id: 'r1',
      ok: true,
      result: { status: 'applied', applied: ['camera'], needRestart: [] },
    });
  });

  it('adds the publisher stats to status and calls onReset after reset', async () => {
    let resets = 0;
    const router = new CommandRouter({
      handler: handler(),
      snapshotsAllowed: true,
      timeoutMs: 100,
      extraStatus: () => ({ mqtt: { queueDepth: 0 } }),
      onReset: () => {
        resets += 1;
      },
    });
    expect((await router.handle('status', body({}))).result).toEqual({
      camera: 'open',
      mqtt: { queueDepth: 0 },
    });
    await router.handle('reset', body({}));
    expect(resets).toBe(1);
  });

  it('refuses requests stamped outside mqtt.commandMaxAgeS and runs unstamped ones', async () => {
    const h = handler();
    const nowMs = 1_764_064_800_000;
    const router = new CommandRouter({
      handler: h,
      snapshotsAllowed: true,
      timeoutMs: 1000,
      maxAgeMs: 60_000,
      now: () => nowMs,
    });
    // A replayed stop from an hour ago and one from a clock 2 minutes ahead are not run.
    expect(await router.handle('stop', body({ id: 'old', tMs: nowMs - 3_600_000 }))).toEqual({
      cmd: 'stop',
      id: 'old',
      ok: false,
      error: {
        code: 'stale',
        message: 'request is 3600 s old (mqtt.commandMaxAgeS is 60; not run)',
      },
    });
    const future = await router.handle('stop', body({ tMs: nowMs + 120_000 }));
    expect(future.error?.code).toBe('stale');
    expect(future.error?.message).toMatch(/^request is stamped 120 s in the future: check/);
    expect(h.log).toEqual([]);
    // At the limit, inside it, and without a stamp: run.
    for (const request of [{ tMs: nowMs - 60_000 }, { tMs: nowMs + 60_000 }, { id: 'plain' }])
      expect((await router.handle('stop', body(request))).ok).toBe(true);
    expect(h.log.filter((l) => l === 'stop:end')).toHaveLength(3);
    // A bad stamp is a bad request, and maxAgeMs 0 turns the check off.
    expect((await router.handle('stop', body({ tMs: '1764064800000' }))).error?.code).toBe(
      'bad-request',
    );
    const off = new CommandRouter({
      handler: handler(),
      snapshotsAllowed: true,
      timeoutMs: 1000,
      maxAgeMs: 0,
      now: () => nowMs,
    });
    expect((await off.handle('stop', body({ tMs: 1 }))).ok).toBe(true);
  });

  it('publishes the schema it enforces (docs/schemas/command-request.json)', () => {
    const file = resolve(import.meta.dirname, '../../../docs/schemas/command-request.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(COMMAND_REQUEST_SCHEMA);
  });
});

describe('TopicMap', () => {
  const topics = new TopicMap({ baseTopic: 'classpulse/r1/box' });
  it('maps commands and replies, and never builds a topic from junk', () => {
    expect(topics.commandName('classpulse/r1/box/cmd/start')).toBe('start');
    expect(topics.commandName('classpulse/r1/box/cmd/start/reply')).toBeUndefined();
    expect(topics.commandReply('start')).toBe('classpulse/r1/box/cmd/start/reply');
    expect(topics.commandReply('a'.repeat(40))).toBe('classpulse/r1/box/cmd/_invalid/reply');
    expect(topics.student('t/1+#')).toBe('classpulse/r1/box/students/t_1__');
  });
});
