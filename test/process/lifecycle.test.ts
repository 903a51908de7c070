import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, collect, jsonLines, ROOT, startCli, waitForLine } from '../helpers/cli.js';

const DEMO = join(ROOT, 'config/demo.yaml');

describe('daemon lifecycle', () => {
  it('stops cleanly on SIGTERM: capture stops, final stats, exit 0', async () => {
    // Loop the clip in real time so only the signal can end the run.
    const child = startCli(
      ['run', '--config', DEMO],
      cleanEnv({ CLASSPULSE_CAMERA_ON_END: 'loop' }),
    );
    const done = collect(child);
    await waitForLine(child, /"msg":"camera open"/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(
      lines.some((l) => l.msg === 'stopping: finishing in-flight work' && l.signal === 'SIGTERM'),
    ).toBe(true);
    const final = lines.find((l) => l.msg === 'stats' && l.kind === 'final');
    expect(final?.camera).toBe('stopped');
    expect(final?.framesProcessed).toBeGreaterThan(5);
    expect(lines.at(-1)).toMatchObject({ msg: 'classpulse stopped', reason: 'SIGTERM', code: 0 });
  });

  it('stops cleanly on SIGINT as well', async () => {
    const child = startCli(
      ['run', '--config', DEMO],
      cleanEnv({ CLASSPULSE_CAMERA_ON_END: 'loop' }),
    );
    const done = collect(child);
    await waitForLine(child, /"msg":"camera open"/);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ reason: 'SIGINT', code: 0 });
  });
});
