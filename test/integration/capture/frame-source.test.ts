// The camera is hardware: here it is a fake device; everything above it is the real code.
import { describe, expect, it } from 'vitest';
import { cv, type Mat } from '../../../src/capture/cv.js';
import type { CameraState } from '../../../src/capture/frame.js';
import { FrameSource } from '../../../src/capture/frame-source.js';
import type { VideoDevice } from '../../../src/capture/video-device.js';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/log/logger.js';

const base = loadConfig({ file: undefined, env: {} }).config.camera;

/** A live camera that delivers `frames` frames every `intervalMs`, then stops delivering. */
function fakeCamera(frames: number, intervalMs: number): VideoDevice {
  let left = frames;
  return {
    nativeFps: 1000 / intervalMs,
    width: 8,
    height: 6,
    async read(): Promise<Mat | undefined> {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (left-- <= 0) return undefined;
      return new cv.Mat(6, 8, cv.CV_8UC3, [0, 0, 0]);
    },
    release() {},
  };
}

describe('FrameSource with a live camera', () => {
  it('retries a camera that will not open with capped backoff, then reports recovery', async () => {
    const states: Array<[CameraState, string | undefined]> = [];
    const attemptsAt: number[] = [];
    const started = performance.now();
    let attempts = 0;
    const source = new FrameSource({
      camera: { ...base, source: '0', fps: 50, reopenMinMs: 20, reopenMaxMs: 50 },
      logger: silentLogger(),
      onState: (state, reason) => states.push([state, reason]),
      openDevice: () => {
        attemptsAt.push(performance.now() - started);
        if (++attempts < 5) throw new Error('no such device');
        return fakeCamera(3, 5);
      },
    });
    const abort = new AbortController();
    let received = 0;
    for await (const frame of source.frames(abort.signal)) {
      frame.image.release();
      if (++received === 3) abort.abort();
    }
    expect(received).toBe(3);
    // 20, 40, then capped at 50 ms between attempts.
    const gaps = attemptsAt.slice(1).map((t, i) => t - (attemptsAt[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[3]).toBeGreaterThanOrEqual(48);
    expect(gaps[3]).toBeLessThan(150);
    expect(states[0]).toEqual(['opening', undefined]);
    expect(states[1]).toEqual(['lost', 'no such device']);
    expect(states).toContainEqual(['open', 'recovered']);
    expect(states.at(-1)?.[0]).toBe('stopped');
  });

  it('reopens a camera that stops delivering, and keeps to the frame budget', async () => {
    const states: CameraState[] = [];
    let opened = 0;
    const source = new FrameSource({
      camera: { ...base, source: '/dev/video0', fps: 20, reopenMinMs: 10, reopenMaxMs: 10 },
      logger: silentLogger(),
      onState: (state) => states.push(state),
      // 100 fps camera, 20 fps budget: about 4 of every 5 frames are skipped.
      openDevice: () => {
        opened++;
        return fakeCamera(30, 10);
      },
    });
    const abort = new AbortController();
    let received = 0;
    for await (const frame of source.frames(abort.signal)) {
      frame.image.release();
      if (opened >= 2 && ++received >= 3) abort.abort();
    }
    const stats = source.stats();
    expect(stats.reopens).toBeGreaterThanOrEqual(1);
    expect(states).toContain('lost');
    expect(stats.skippedBudget).toBeGreaterThan(stats.delivered * 2);
  });

  it('with a slow consumer, hands over only the newest frame and counts the stale ones', async () => {
    const source = new FrameSource({
      camera: { ...base, source: '0', fps: 60 },
      logger: silentLogger(),
      openDevice: () => fakeCamera(1000, 5),
    });
    const abort = new AbortController();
    const seqs: number[] = [];
    let droppedWhileRunning = 0;
    for await (const frame of source.frames(abort.signal)) {
      seqs.push(frame.seq);
      frame.image.release();
      await new Promise((resolve) => setTimeout(resolve, 60)); // a pipeline slower than the camera
      // Health and the stats line read the count while the camera runs.
      if (seqs.length === 4) droppedWhileRunning = source.stats().droppedStale;
      if (seqs.length === 5) abort.abort();
    }
    const gaps = seqs.slice(1).map((s, i) => s - (seqs[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThan(1);
    expect(droppedWhileRunning).toBeGreaterThan(0);
    expect(source.stats().droppedStale).toBeGreaterThanOrEqual(droppedWhileRunning);
    // What the camera offers, not what the slow consumer took: the 60 fps budget on a faster
    // camera (adaptation judges frame times against this interval).
    expect(source.offeredIntervalMs()).toBeGreaterThanOrEqual(1000 / 60);
    expect(source.offeredIntervalMs()).toBeLessThan(30);
  });

  it('reports the interval of a camera slower than camera.fps', async () => {
    const source = new FrameSource({
      camera: { ...base, source: '0', fps: 30 },
      logger: silentLogger(),
      // A camera asked for 30 fps that delivers 12.5 (low light: longer exposures).
      openDevice: () => fakeCamera(1000, 80),
    });
    const abort = new AbortController();
    let received = 0;
    for await (const frame of source.frames(abort.signal)) {
      frame.image.release();
      if (++received === 12) abort.abort();
    }
    expect(source.offeredIntervalMs()).toBeGreaterThanOrEqual(75);
    expect(source.offeredIntervalMs()).toBeLessThan(120);
  });
});
