import { describe, expect, it } from 'vitest';
import { LatestSlot } from '../../../src/capture/latest-slot.js';
import { parseSource } from '../../../src/capture/source-spec.js';

describe('LatestSlot', () => {
  it('hands over the newest value and counts the ones it replaced', async () => {
    const released: number[] = [];
    const slot = new LatestSlot<number>((v) => released.push(v));
    slot.put(1);
    slot.put(2);
    slot.put(3);
    expect(await slot.take()).toBe(3);
    expect(slot.dropped).toBe(2);
    expect(released).toEqual([1, 2]);
  });

  it('wakes a waiting consumer directly, and ends after close', async () => {
    const slot = new LatestSlot<string>();
    const pending = slot.take();
    slot.put('a');
    expect(await pending).toBe('a');
    slot.put('b');
    slot.close();
    expect(await slot.take()).toBe('b');
    expect(await slot.take()).toBeUndefined();
    expect(slot.dropped).toBe(0);
  });

  it('returns undefined to a waiting consumer when aborted', async () => {
    const slot = new LatestSlot<number>();
    const abort = new AbortController();
    const pending = slot.take(abort.signal);
    abort.abort();
    expect(await pending).toBeUndefined();
  });
});

describe('parseSource', () => {
  it('understands every form of camera.source', () => {
    expect(parseSource('0')).toMatchObject({ kind: 'v4l2', index: 0 });
    expect(parseSource('/dev/video2')).toMatchObject({ kind: 'v4l2', index: 2 });
    expect(
      parseSource('libcamerasrc ! video/x-raw,width=1280 ! videoconvert ! appsink'),
    ).toMatchObject({
      kind: 'gstreamer',
    });
    // A pipeline without a sink gets one that hands BGR frames to OpenCV.
    expect(parseSource('v4l2src device=/dev/video0 ! videoscale')).toMatchObject({
      pipeline: 'v4l2src device=/dev/video0 ! videoscale ! videoconvert ! appsink',
    });
    expect(parseSource('rtsp://user:pw@cam.lan/stream')).toMatchObject({
      kind: 'stream',
      label: 'rtsp://***@cam.lan/stream',
    });
    expect(parseSource('/data/lesson.mp4')).toMatchObject({
      kind: 'file',
      path: '/data/lesson.mp4',
    });
  });
});
