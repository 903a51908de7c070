// FrameStats' two rates on a fake clock: the interval rate of the periodic stats line and the
// whole-run rate of the final one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameStats } from '../../../src/ops/frame-stats.js';

describe('FrameStats rates', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the whole run’s rate even when the last interval holds only a frame or two', () => {
    const stats = new FrameStats();
    for (let i = 0; i < 50; i++) {
      stats.record({ total: 100 }, 3);
      vi.advanceTimersByTime(100); // 10 fps
    }
    expect(stats.takeRate()).toBeCloseTo(10, 0);
    // The run ends fast: two frames 20 ms apart just after the last periodic line.
    stats.record({ total: 5 }, 3);
    vi.advanceTimersByTime(20);
    stats.record({ total: 5 }, 3);
    expect(stats.runRate()).toBeCloseTo(10.2, 0);
    expect(stats.takeRate()).toBeGreaterThan(50);
  });

  it('reads 0 before two frames have been processed', () => {
    const stats = new FrameStats();
    expect(stats.runRate()).toBe(0);
    stats.record({ total: 1 }, 1);
    expect(stats.runRate()).toBe(0);
  });
});
