// Renders contact sheets of enlarged eye-band (or face) crops, each labelled with its frame number,
// so blinks can be annotated by eye. Usage:
//   npx tsx tools/annotate/contact-sheet.ts <video> <first> <last> <outPrefix> [cols] [rows] [cellW] [eyes|face]
// Writes <outPrefix>-<first>.png per sheet of cols×rows frames.
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

function main(): void {
  const [video, firstArg, lastArg, outPrefix, colsArg, rowsArg, cellWArg, kindArg] =
    process.argv.slice(2);
  if (!video || !firstArg || !lastArg || !outPrefix) {
    throw new Error(
      'usage: contact-sheet.ts <video> <first> <last> <outPrefix> [cols] [rows] [cellW] [eyes|face]',
    );
  }
  const cols = Number(colsArg ?? 10);
  const rows = Number(rowsArg ?? 5);
  const cellW = Number(cellWArg ?? 156);
  const kind: RegionKind = kindArg === 'face' ? 'face' : 'eyes';
  const frames = readAllFrames(video);
  const faces = cachedFaces(video, frames);
  const first = Number(firstArg);
  const last = Math.min(Number(lastArg), frames.length - 1);
  const cellH = Math.round(cellW * REGION_ASPECT[kind]);
  const sheetH = cellH + LABEL_H_PX;
  for (let start = first; start <= last; start += cols * rows) {
    const sheet = new cv.Mat(sheetH * rows, cellW * cols, cv.CV_8UC3, [40, 40, 40]);
    for (let i = 0; i < cols * rows && start + i <= last; i++) {
      const frame = frames[start + i];
      const face = faces[start + i];
      if (!frame || !face) continue;
      const region = regionOf(face, kind, frame.cols, frame.rows);
      const image = cell(frame, region, cellW, cellH, start + i);
      const at = new cv.Rect((i % cols) * cellW, Math.floor(i / cols) * sheetH, cellW, sheetH);
      image.copyTo(sheet.getRegion(at));
    }
    cv.imwrite(`${outPrefix}-${String(start).padStart(4, '0')}.png`, sheet);
  }
}

main();
