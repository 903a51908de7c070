// Renders contact sheets of enlarged eye-band (or face) crops, each labelled with its frame number,
// so blinks can be annotated by eye. Usage:
//   npx tsx tools/annotate/contact-sheet.ts <video> <frames> <outPrefix> [cols] [rows] [cellW] [eyes|lids|face]
// <frames> is a list of frames and ranges, e.g. "0-1336" or "97,636-646". Writes
// <outPrefix>-<first frame of the sheet>.png per sheet of cols×rows frames.
import { cv, type Mat } from '../../src/capture/cv.js';
import {
  cachedFaces,
  REGION_ASPECT,
  type Region,
  type RegionKind,
  readAllFrames,
  regionOf,
} from './eye-band.js';

const LABEL_H_PX = 16;

function cell(frame: Mat, region: Region, cellW: number, cellH: number, index: number): Mat {
  const crop = frame.getRegion(new cv.Rect(region.x, region.y, region.w, region.h));
  const big = crop.resize(cellH, cellW, 0, 0, cv.INTER_CUBIC);
  const out = new cv.Mat(cellH + LABEL_H_PX, cellW, cv.CV_8UC3, [0, 0, 0]);
  big.copyTo(out.getRegion(new cv.Rect(0, LABEL_H_PX, cellW, cellH)));
  const yellow = new cv.Vec3(0, 255, 255);
  out.putText(String(index), new cv.Point2(3, 13), cv.FONT_HERSHEY_SIMPLEX, 0.45, yellow, 1);
  return out;
}

/** "97,636-646" → [97, 636, 637, …, 646], clipped to the clip. */
function parseFrameList(spec: string, frameCount: number): number[] {
  const frames: number[] = [];
  for (const part of spec.split(',')) {
    const [fromText, toText] = part.split('-');
    const from = Number(fromText);
    const to = Number(toText ?? fromText);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
      throw new Error(`bad frame range "${part}" in "${spec}"`);
    }
    for (let f = Math.max(0, from); f <= Math.min(to, frameCount - 1); f++) frames.push(f);
  }
  return frames;
}

function main(): void {
  const [video, framesArg, outPrefix, colsArg, rowsArg, cellWArg, kindArg] = process.argv.slice(2);
  if (!video || !framesArg || !outPrefix) {
    throw new Error(
      'usage: contact-sheet.ts <video> <frames e.g. 0-99,120> <outPrefix> [cols] [rows] [cellW] [eyes|lids|face]',
    );
  }
  const cols = Number(colsArg ?? 10);
  const rows = Number(rowsArg ?? 5);
  const cellW = Number(cellWArg ?? 156);
  const kind: RegionKind = kindArg === 'face' || kindArg === 'lids' ? kindArg : 'eyes';
  const frames = readAllFrames(video);
  const faces = cachedFaces(video, frames);
  const wanted = parseFrameList(framesArg, frames.length);
  const cellH = Math.round(cellW * REGION_ASPECT[kind]);
  const sheetH = cellH + LABEL_H_PX;
  for (let start = 0; start < wanted.length; start += cols * rows) {
    const onSheet = wanted.slice(start, start + cols * rows);
    const sheet = new cv.Mat(sheetH * rows, cellW * cols, cv.CV_8UC3, [40, 40, 40]);
    for (const [i, index] of onSheet.entries()) {
      const frame = frames[index];
      const face = faces[index];
      if (!frame || !face) continue;
      const region = regionOf(face, kind, frame.cols, frame.rows);
      const image = cell(frame, region, cellW, cellH, index);
      const at = new cv.Rect((i % cols) * cellW, Math.floor(i / cols) * sheetH, cellW, sheetH);
      image.copyTo(sheet.getRegion(at));
    }
    cv.imwrite(`${outPrefix}-${String(onSheet[0]).padStart(4, '0')}.png`, sheet);
  }
}

main();
