// The README's one command: `classpulse hub demo` starts the embedded broker, the daemon on the
// bundled clip and the hub, prints the dashboard URL and a login that works, shows the clip's
// student in the demo room, and stops all three cleanly on SIGTERM.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, collect, startCli } from '../helpers/cli.js';
import { tempDir, waitFor } from '../integration/publish/support.js';

describe('classpulse hub demo', () => {
  const state = tempDir('hub-demo');
  afterAll(() => state.remove());

  it('prints a dashboard URL and a login that shows the clip’s student', async () => {
    // The daemon child inherits the environment: its queue goes to a temp dir, not ./var/demo.
    const child = startCli(
      ['hub', 'demo', '--port', '0'],
      cleanEnv({ CLASSPULSE_DEVICE_STATE_DIR: state.dir }),
    );
    const done = collect(child);
    try {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await waitFor('the login line', () => /log in as:.*\n/.test(out), 30_000);
      const url = (/dashboard: +(\S+)/.exec(out) as RegExpExecArray)[1] as string;
      const [, user, password] = /log in as: +(\S+) \/ (\S+)/.exec(out) as RegExpExecArray;
      const login = await fetch(new URL('/api/login', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
      expect(login.status).toBe(200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
      let students = 0;
      await waitFor(
        'a student in demo-room',
        () => {
          void fetch(new URL('/api/rooms/demo-room', url), { headers: { cookie } })
            .then((r) => r.json())
            .then((room) => {
              students = (room as { students?: unknown[] }).students?.length ?? 0;
            });
          return students > 0;
        },
        90_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
    const result = await done;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
  }, 150_000);
});
