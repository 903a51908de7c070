// Does the configured camera.source open and deliver a frame? Goes through the daemon's own
// capture path (parseSource + openCvDevice). OpenCV is imported only here, lazily, so a broken
// OpenCV install fails this row instead of the whole doctor.
import { existsSync } from 'node:fs';
import { parseSource } from '../../capture/source-spec.js';
import type { Config } from '../../config/schema.js';
import { type CheckResult, errorText, withTimeout } from './check-result.js';

export interface CameraCheckOptions {
  camera: Config['camera'];
  timeoutMs: number;
}

const BUSY_HINT =
  'if classpulse.service is running it may hold the camera (sudo systemctl stop classpulse)';

export async function checkCamera(options: CameraCheckOptions): Promise<CheckResult> {
  const { camera, timeoutMs } = options;
  const check = 'camera';
  const spec = parseSource(camera.source);
  if (spec.kind === 'file' && !existsSync(spec.path)) {
    return { check, status: 'FAIL', detail: `${spec.label}: no such file` };
  }
  if (spec.kind === 'v4l2' && !existsSync(spec.label)) {
    return {
      check,
      status: 'FAIL',
      detail: `${spec.label}: no such device (is the camera plugged in?)`,
    };
  }
  let device: import('../../capture/video-device.js').VideoDevice;
  try {
    const { openCvDevice } = await import('../../capture/video-device.js');
    // Opening is synchronous inside OpenCV; network streams honour OpenCV's own open timeout.
    device = openCvDevice(spec, camera);
  } catch (error) {
    const hint = spec.kind === 'v4l2' ? `; ${BUSY_HINT}` : '';
    return {
      check,
      status: 'FAIL',
      detail: `${spec.label}: cannot open: ${errorText(error)}${hint}`,
    };
  }
  let settled = false;
  try {
    const read = device.read().finally(() => {
      settled = true;
    });
    const frame = await withTimeout(read, timeoutMs, `${spec.label} first frame`);
    if (!frame) {
      return { check, status: 'FAIL', detail: `${spec.label}: opened but delivered no frame` };
    }
    const detail =
      `${spec.label}: ${frame.cols}x${frame.rows}` +
      (device.nativeFps > 0 ? ` at ${Math.round(device.nativeFps * 10) / 10} fps` : '') +
      `, first frame read (config asks ${camera.width}x${camera.height}, budget ${camera.fps} fps)`;
    frame.release();
    return { check, status: 'ok', detail };
  } catch (error) {
    return { check, status: 'FAIL', detail: `${spec.label}: ${errorText(error)}` };
  } finally {
    // Releasing under a read still running in OpenCV's worker is unsafe; the process ends soon.
    if (settled) device.release();
  }
}
