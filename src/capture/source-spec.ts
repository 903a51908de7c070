// camera.source is one string a technician types; this decides what it means.

export type SourceSpec =
  | { kind: 'v4l2'; index: number; label: string }
  | { kind: 'gstreamer'; pipeline: string; label: string }
  | { kind: 'file'; path: string; label: string }
  | { kind: 'stream'; url: string; label: string };

/**
 * '0' or '/dev/video2' → a V4L2 device; anything with a '!' → a GStreamer pipeline (e.g.
 * `libcamerasrc ! video/x-raw,width=1280,height=720 ! videoconvert ! appsink` for the Pi CSI
 * camera); rtsp://, http(s):// → a network stream; anything else → a video file.
 */
export function parseSource(source: string): SourceSpec {
  const trimmed = source.trim();
  if (/^\d+$/.test(trimmed)) {
    return { kind: 'v4l2', index: Number(trimmed), label: `/dev/video${trimmed}` };
  }
  const dev = /^\/dev\/video(\d+)$/.exec(trimmed);
  if (dev?.[1] !== undefined) return { kind: 'v4l2', index: Number(dev[1]), label: trimmed };
  if (trimmed.includes('!')) {
    // OpenCV needs the frames handed to an appsink in BGR.
    const pipeline = /appsink/.test(trimmed) ? trimmed : `${trimmed} ! videoconvert ! appsink`;
    return { kind: 'gstreamer', pipeline, label: 'gstreamer pipeline' };
  }
  if (/^(rtsp|rtsps|http|https):\/\//i.test(trimmed)) {
    return { kind: 'stream', url: trimmed, label: trimmed.replace(/\/\/[^@/]*@/, '//***@') };
  }
  return { kind: 'file', path: trimmed, label: trimmed };
}

/** Files end; cameras and streams are "lost" and reopened. */
export function endsOnItsOwn(spec: SourceSpec): boolean {
  return spec.kind === 'file';
}
