// After a reload the daemon holds one new processor, and adaptation acts on it: the processor that
// was swapped out is never adapted again, the new one is degraded when it misses the budget.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { silentLogger } from '../../../src/log/logger.js';
import { buildFrameControl } from '../../../src/ops/ops-runtime.js';
import type { FrameProcessor, PerceptionKnobs } from '../../../src/pipeline/perception.js';
import { tempDir } from '../publish/support.js';
import { DEMO_CLIP, nullSink, until } from './support.js';

/** A processor taking `ms` per frame that records the knobs it is handed. */
function processor(ms: number) {
  const knobs: PerceptionKnobs[] = [];
  let frames = 0;
  const p: FrameProcessor & { knobs: PerceptionKnobs[]; frames: () => number } = {
    async process() {
      frames += 1;
      await sleep(ms);
      return { events: [], faces: 1, timingsMs: {} };
    },
    boxes: () => [],
    reset: () => undefined,
    resume: () => undefined,
    adapt: (k) => {
      knobs.push(k);
    },
    knobs,
    frames: () => frames,
  };
  return p;
}

describe('reload and adaptation', () => {
  const state = tempDir('reload-adapt');
  afterAll(() => state.remove());

  it('adapts the processor the reload put in, never the one it replaced', async () => {
    const { config } = loadConfig({
      file: '/dev/null',
      env: {
        CLASSPULSE_CAMERA_SOURCE: DEMO_CLIP,
        CLASSPULSE_CAMERA_ON_END: 'loop',
        // Pulled as fast as the loop goes at a 25 fps budget: 40 ms per frame.
        CLASSPULSE_CAMERA_REALTIME: 'false',
        CLASSPULSE_CAMERA_FPS: '25',
        CLASSPULSE_DEVICE_STATE_DIR: state.dir,
      },
    });
    const { adaptation } = buildFrameControl({
      config,
      logger: silentLogger(),
      sysRoot: state.dir,
      vcgencmd: join(state.dir, 'no-vcgencmd'),
    });
    const before = processor(5);
    const daemon = new Daemon({
      config,
      logger: silentLogger(),
      sink: nullSink,
      processor: before,
      gate: adaptation,
    });
    const stop = new AbortController();
    const running = daemon.run(stop.signal);
    await until('frames before the reload', () => before.frames() >= 10);
    // The reload: the new processor is too slow for the budget (60 ms > 40 ms).
    const after = processor(60);
    daemon.reconfigure(config, after);
    const adaptedBefore = before.knobs.length;
    await until('the ladder degrading the new processor', () =>
      after.knobs.some((k) => k.expressionIntervalScale > 1),
    );
    stop.abort(new Error('test over'));
    await running;

    expect(daemon.processor).toBe(after);
    // At most the frame in flight at the swap still adapted the old one.
    expect(before.knobs.length - adaptedBefore).toBeLessThanOrEqual(1);
    expect(before.knobs.every((k) => k.expressionIntervalScale === 1)).toBe(true);
    expect(adaptation.state().level).toBeGreaterThanOrEqual(1);
  });
});
