// Locates the face and eye band of the one person in a clip so contact sheets can show them
// enlarged. It only locates: whether the lids are open or closed is decided by a person looking.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cv, type Mat } from '../../src/capture/cv.js';

// Haar on every frame takes ~30 s per clip; sheets are rendered many times while annotating.
const CACHE_DIR = '/tmp/classpulse-annotate';

/** Height / width of each kind of rendered region, so all cells of a sheet have one size. */
export const REGION_ASPECT: Readonly<Record<RegionKind, number>> = {
  eyes: 0.35,
  lids: 0.3,
  face: 0.8,
};

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type RegionKind = 'eyes' | 'lids' | 'face';

/**
 * Clips whose tail is held out for independent evaluation, by file name: frames from this index on
 * are never decoded here, so no sheet, score or face box can come from them by mistake.
 */
export const HELD_OUT_FROM_FRAME: Readonly<Record<string, number>> = { 'franck.mp4': 2400 };

/**
 * Reads the frames of a clip (8-bit BGR) up to its held-out part, if it has one. The usable parts
 * are short (≤ 2400 frames of ≤ 400×300), so holding them is fine.
 */
export function readAllFrames(videoPath: string): Mat[] {
  const limit = HELD_OUT_FROM_FRAME[basename(videoPath)] ?? Number.POSITIVE_INFINITY;
  const capture = new cv.VideoCapture(videoPath);
  const frames: Mat[] = [];
  // Check the count before read(): a frame at the limit is never even decoded.
  while (frames.length < limit) {
    const frame = capture.read();
    if (frame.empty) break;
    frames.push(frame);
  }
  capture.release();
  if (frames.length === 0) throw new Error(`no frames could be read from ${videoPath}`);
  return frames;
}

function detectFace(classifier: InstanceType<typeof cv.CascadeClassifier>, image: Mat) {
  const grey = image.bgrToGray();
  const { objects } = classifier.detectMultiScale(grey, 1.1, 4, 0, new cv.Size(60, 60));
  // One person per clip: the largest detection is the face.
  let best: Region | undefined;
  for (const rect of objects) {
    if (!best || rect.width * rect.height > best.w * best.h) {
      best = { x: rect.x, y: rect.y, w: rect.width, h: rect.height };
    }
  }
  return best;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * One face box per frame: Haar face per frame, gaps filled from the last detection, then a running
 * median over ±windowFrames so crops do not jitter between neighbouring cells.
 */
export function locateFaces(frames: Mat[], windowFrames = 6): Region[] {
  const classifier = new cv.CascadeClassifier(cv.HAAR_FRONTALFACE_ALT2);
  const raw = frames.map((frame) => detectFace(classifier, frame));
  const firstFound = raw.find((face) => face !== undefined);
  if (!firstFound) throw new Error('no face found in any frame of the clip');
  let last: Region = firstFound;
  const filled = raw.map((face) => {
    if (face) last = face;
    return last;
  });
  return filled.map((_, index) => {
    const around = filled.slice(Math.max(0, index - windowFrames), index + windowFrames + 1);
    const size = median(around.map((f) => f.w));
    const cx = median(around.map((f) => f.x + f.w / 2));
    const top = median(around.map((f) => f.y));
    return { x: Math.round(cx - size / 2), y: Math.round(top), w: size, h: size };
  });
}

/** locateFaces, cached per clip under /tmp so repeated sheet renders are quick. */
export function cachedFaces(videoPath: string, frames: Mat[]): Region[] {
  const cachePath = join(CACHE_DIR, `${basename(videoPath)}.faces.json`);
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as Region[];
    if (cached.length === frames.length) return cached;
  }
  const faces = locateFaces(frames);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cachePath, JSON.stringify(faces));
  return faces;
}

/**
 * The region to render for a face: 'eyes' is the band the eyes sit in (about 0.24–0.50 of a Haar
 * face box, its middle 75 %); 'lids' is a tighter band without the brows (0.32–0.52, middle 68 %),
 * so more frames fit on a sheet at the same enlargement; 'face' is the whole head with some margin,
 * for context (gaze, turns).
 */
export function regionOf(face: Region, kind: RegionKind, frameW: number, frameH: number): Region {
  const widthOfFace = { eyes: 0.75, lids: 0.68, face: 1.4 }[kind];
  const topOfFace = { eyes: 0.24, lids: 0.32, face: -0.2 }[kind];
  const w = Math.min(frameW, Math.round(face.w * widthOfFace));
  const h = Math.min(frameH, Math.round(w * REGION_ASPECT[kind]));
  const top = face.y + face.w * topOfFace;
  const x = Math.min(Math.max(0, Math.round(face.x + face.w / 2 - w / 2)), frameW - w);
  const y = Math.min(Math.max(0, Math.round(top)), frameH - h);
  return { x, y, w, h };
}
