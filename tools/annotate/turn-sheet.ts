// Frame sheets for annotating head turns by eye: square face crops of every STEP-th frame from FROM
// to TO, each labelled with its frame number and nothing else (no pose, no pipeline output that
// could bias the annotator). FaceMesh (fp32) only says where the face is; frames after TO are
// never decoded (held-out parts of a clip stay unseen). Usage:
//   npx tsx tools/annotate/turn-sheet.ts <video> <from> <to> <step> <out.png> [cellPx] [cols]
import { basename } from 'node:path';
import { cv, type Mat } from '../../src/capture/cv.js';
import type { TrackHint } from '../../src/pipeline/types.js';
import { EXPRESSION, testPipeline } from '../../test/integration/pipeline/helpers.js';
import { HELD_OUT_FROM_FRAME } from './eye-band.js';

const LABEL_H_PX = 16;
const [video, fromArg, toArg, stepArg, out, cellArg, colsArg] = process.argv.slice(2);
if (!video || !fromArg || !toArg || !stepArg || !out) {
  throw new Error('usage: turn-sheet.ts <video> <from> <to> <step> <out.png> [cellPx] [cols]');
}
const [from, to, step] = [Number(fromArg), Number(toArg), Number(stepArg)];
const heldOut = HELD_OUT_FROM_FRAME[basename(video)];
if (heldOut !== undefined && to >= heldOut) {
  throw new Error(
    `${basename(video)}: frames from ${heldOut} on are held out; <to> must be below it`,
  );
}
const cellPx = Number(cellArg ?? 120);
const cols = Number(colsArg ?? 10);
const pipeline = testPipeline({ expression: { ...EXPRESSION, enabled: false } });
await pipeline.init();
const capture = new cv.VideoCapture(video);
let hints: TrackHint[] = [];
let face: { cx: number; cy: number; side: number } | undefined;
const cells: Mat[] = [];
for (let seq = 0; seq <= to; seq++) {
  const image = capture.read();
  if (image.empty) break;
  const frame = { seq, tMs: seq * 40, width: image.cols, height: image.rows, image };
  const { observations } = await pipeline.process(frame, hints);
  hints = observations.map((o) => ({
    id: o.trackId ?? 'face',
    box: o.box,
    needsEmbedding: false,
    needsExpression: false,
  }));
  const box = observations[0]?.box;
  if (box)
    face = { cx: box.x + box.w / 2, cy: box.y + box.h / 2, side: 1.6 * Math.max(box.w, box.h) };
  if (seq < from || (seq - from) % step !== 0) continue;
  const side = Math.floor(Math.min(face?.side ?? Number.POSITIVE_INFINITY, image.cols, image.rows));
  const cx = face?.cx ?? image.cols / 2;
  const cy = face?.cy ?? image.rows / 2;
  const x = Math.round(Math.max(0, Math.min(image.cols - side, cx - side / 2)));
  const y = Math.round(Math.max(0, Math.min(image.rows - side, cy - side / 2)));
  const cell = new cv.Mat(cellPx + LABEL_H_PX, cellPx, cv.CV_8UC3, [0, 0, 0]);
  image
    .getRegion(new cv.Rect(x, y, side, side))
    .resize(cellPx, cellPx)
    .copyTo(cell.getRegion(new cv.Rect(0, LABEL_H_PX, cellPx, cellPx)));
  const yellow = new cv.Vec3(0, 255, 255);
  cell.putText(String(seq), new cv.Point2(3, 13), cv.FONT_HERSHEY_SIMPLEX, 0.45, yellow, 1);
  cells.push(cell);
}
const cellH = cellPx + LABEL_H_PX;
const sheet = new cv.Mat(
  Math.ceil(cells.length / cols) * cellH,
  cols * cellPx,
  cv.CV_8UC3,
  [40, 40, 40],
);
cells.forEach((cell, i) => {
  cell.copyTo(
    sheet.getRegion(new cv.Rect((i % cols) * cellPx, Math.floor(i / cols) * cellH, cellPx, cellH)),
  );
});
cv.imwrite(out, sheet);
