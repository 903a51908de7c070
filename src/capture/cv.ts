// The one place OpenCV is imported. Importing @u4/opencv4nodejs must not try to rebuild OpenCV
// (we link against the system's libopencv-dev) and must not print its colour banner on stdout,
// which would corrupt `replay --trace` JSON lines. Both have to happen before the module loads,
// hence the dynamic import after setting them.
import type * as OpenCV from '@u4/opencv4nodejs';

process.env.OPENCV4NODEJS_DISABLE_AUTOBUILD ??= '1';
const { Log } = await import('@u4/opencv-build');
Log.silence = true;

const loaded = (await import('@u4/opencv4nodejs')) as unknown as { default: typeof OpenCV };
export const cv: typeof OpenCV = loaded.default;
export type { Mat } from '@u4/opencv4nodejs';
