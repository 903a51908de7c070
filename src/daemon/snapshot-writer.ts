// The snapshot command: one annotated frame written on the device (mode 0600), for a technician
// checking the camera's view. Only the path ever leaves the box, never the bytes.
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import type { Box } from '../pipeline/types.js';

export interface SnapshotRequest {
  image: Mat;
  boxes: Array<{ id: string; box: Box }>;
  dir: string;
  wallMs: number;
}

export async function writeSnapshot(request: SnapshotRequest): Promise<string> {
  const { image, boxes, dir, wallMs } = request;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const canvas = image.copy();
  const green = new cv.Vec3(0, 220, 0);
  for (const { id, box } of boxes) {
    const rect = new cv.Rect(
      Math.round(box.x),
      Math.round(box.y),
      Math.round(box.w),
      Math.round(box.h),
    );
    canvas.drawRectangle(rect, green, 2);
    canvas.putText(
      id,
      new cv.Point2(rect.x, Math.max(12, rect.y - 4)),
      cv.FONT_HERSHEY_SIMPLEX,
      0.5,
      green,
      1,
    );
  }
  const path = join(dir, `snapshot-${new Date(wallMs).toISOString().replace(/[:.]/g, '-')}.jpg`);
  await cv.imwriteAsync(path, canvas);
  await chmod(path, 0o600);
  canvas.release();
  return path;
}
