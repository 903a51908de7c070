// The hardware boundary: opens an OpenCV VideoCapture for a SourceSpec. Everything above it is
// testable with a fake device (the only thing tests mock is hardware).
import type { Config } from '../config/schema.js';
import { cv, type Mat } from './cv.js';
import type { SourceSpec } from './source-spec.js';

export interface VideoDevice {
  /** The next frame, or undefined at end of file / when the device stops delivering. */
  read(): Promise<Mat | undefined>;
  /** Frames per second the device or file reports (0 when unknown). */
  readonly nativeFps: number;
  readonly width: number;
  readonly height: number;
  /** Frames in a file as its container says (may be approximate); absent or 0 when unknown. */
  readonly frameCount?: number;
  release(): void;
}

export type OpenDevice = (spec: SourceSpec, camera: Config['camera']) => VideoDevice;

class OpenCvDevice implements VideoDevice {
  private readonly capture: InstanceType<typeof cv.VideoCapture>;
  readonly nativeFps: number;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;

  constructor(spec: SourceSpec, camera: Config['camera']) {
    this.capture = OpenCvDevice.openCapture(spec);
    if (spec.kind === 'v4l2') {
      // Ask for the configured mode; the driver picks the nearest it supports.
      this.capture.set(cv.CAP_PROP_FRAME_WIDTH, camera.width);
      this.capture.set(cv.CAP_PROP_FRAME_HEIGHT, camera.height);
      this.capture.set(cv.CAP_PROP_FPS, Math.max(camera.fps, 1));
      // Keep the driver's own queue short so what we read is recent.
      this.capture.set(cv.CAP_PROP_BUFFERSIZE, 1);
    }
    this.width = this.capture.get(cv.CAP_PROP_FRAME_WIDTH);
    this.height = this.capture.get(cv.CAP_PROP_FRAME_HEIGHT);
    const fps = this.capture.get(cv.CAP_PROP_FPS);
    this.nativeFps = Number.isFinite(fps) && fps > 0 && fps < 1000 ? fps : 0;
    const count = spec.kind === 'file' ? this.capture.get(cv.CAP_PROP_FRAME_COUNT) : 0;
    this.frameCount = Number.isFinite(count) && count > 0 ? Math.round(count) : 0;
    if (!(this.width > 0 && this.height > 0)) {
      this.capture.release();
      throw new Error(`cannot open ${spec.label}: no video stream`);
    }
  }

  private static openCapture(spec: SourceSpec): InstanceType<typeof cv.VideoCapture> {
    switch (spec.kind) {
      case 'v4l2':
        return new cv.VideoCapture(spec.index, cv.CAP_V4L2);
      case 'gstreamer':
        return new cv.VideoCapture(spec.pipeline, cv.CAP_GSTREAMER);
      case 'stream':
        return new cv.VideoCapture(spec.url, cv.CAP_FFMPEG);
      case 'file':
        return new cv.VideoCapture(spec.path);
    }
  }

  async read(): Promise<Mat | undefined> {
    const mat = await this.capture.readAsync();
    return mat.empty ? undefined : mat;
  }

  release(): void {
    this.capture.release();
  }
}

export const openCvDevice: OpenDevice = (spec, camera) => new OpenCvDevice(spec, camera);
