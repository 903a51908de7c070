// Lists the frames where the eye band changes most and briefly (lids sweeping over the iris do
// that, and so do fast head moves), so a person can give those frames one more look for blinks the
// contact-sheet passes missed. It only points at frames: nothing it prints is ground truth.
// Usage: npx tsx tools/annotate/eye-transients.ts <video> [count]
import { cv, type Mat } from '../../src/capture/cv.js';
import { cachedFaces, readAllFrames, regionOf } from './eye-band.js';

const HALF_WINDOW_FRAMES = 3;
const BAND_W_PX = 64;
const BAND_H_PX = 22;

function meanAbsDiff(a: Mat, b: Mat): number {
  return Number(a.absdiff(b).sum()) / (a.rows * a.cols);
}

function main(): void {
  const [video, countArg] = process.argv.slice(2);
  if (!video) throw new Error('usage: eye-transients.ts <video> [count]');
  const count = Number(countArg ?? 15);
  const frames = readAllFrames(video);
  const faces = cachedFaces(video, frames);
  const bands = frames.map((frame, i) => {
    const face = faces[i];
    if (!face) throw new Error(`no face box for frame ${i}`);
    const r = regionOf(face, 'eyes', frame.cols, frame.rows);
    return frame
      .getRegion(new cv.Rect(r.x, r.y, r.w, r.h))
      .bgrToGray()
      .resize(BAND_H_PX, BAND_W_PX);
  });
  // A frame that differs from both frames ±3 away, while those two agree, is a brief transient.
  const scores = bands.map((band, i) => {
    const before = bands[i - HALF_WINDOW_FRAMES];
    const after = bands[i + HALF_WINDOW_FRAMES];
    if (!before || !after) return 0;
    const transient = Math.min(meanAbsDiff(band, before), meanAbsDiff(band, after));
    return transient - meanAbsDiff(before, after) / 2;
  });
  const peaks = scores
    .map((score, frame) => ({ frame, score }))
    .filter(({ frame, score }) =>
      scores.slice(Math.max(0, frame - 5), frame + 6).every((other) => other <= score),
    )
    .sort((a, b) => b.score - a.score)
    .slice(0, count);
  for (const { frame, score } of peaks) console.log(`frame ${frame}: ${score.toFixed(2)}`);
}

main();
