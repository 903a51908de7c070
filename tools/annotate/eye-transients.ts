// Lists frames worth one more look for blinks the contact-sheet passes missed. It only points at
// frames: nothing it prints is ground truth. Two scores:
// - change: the eye band differs briefly from the frames ±3 away (lids sweeping over the iris do
//   that, and so do fast head moves);
// - darkness: the darkest pixels of the eye band (iris, pupil) turn brighter than ±5–8 frames
//   around (lids covering the iris do that, slow blinks included; so do glare and blur).
// Usage: npx tsx tools/annotate/eye-transients.ts <video> [count] [change|darkness]
import { cv, type Mat } from '../../src/capture/cv.js';
import { cachedFaces, readAllFrames, regionOf } from './eye-band.js';

const HALF_WINDOW_FRAMES = 3;
const BAND_W_PX = 64;
const BAND_H_PX = 22;

function meanAbsDiff(a: Mat, b: Mat): number {
  return Number(a.absdiff(b).sum()) / (a.rows * a.cols);
}

const DARKEST_FRACTION = 0.05;

/** Mean grey level of the darkest 5 % of a one-channel band. */
function darkestMean(band: Mat): number {
  const values = band
    .getDataAsArray()
    .flat()
    .sort((a, b) => a - b);
  const n = Math.max(1, Math.round(values.length * DARKEST_FRACTION));
  return values.slice(0, n).reduce((sum, v) => sum + v, 0) / n;
}

function changeScores(bands: Mat[]): number[] {
  // A frame that differs from both frames ±3 away, while those two agree, is a brief transient.
  return bands.map((band, i) => {
    const before = bands[i - HALF_WINDOW_FRAMES];
    const after = bands[i + HALF_WINDOW_FRAMES];
    if (!before || !after) return 0;
    const transient = Math.min(meanAbsDiff(band, before), meanAbsDiff(band, after));
    return transient - meanAbsDiff(before, after) / 2;
  });
}

function darknessScores(bands: Mat[]): number[] {
  const dark = bands.map(darkestMean);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return dark.map((value, i) => {
    const before = dark.slice(Math.max(0, i - 8), Math.max(0, i - 4));
    const after = dark.slice(i + 5, i + 9);
    if (before.length === 0 || after.length === 0) return 0;
    return value - (mean(before) + mean(after)) / 2;
  });
}

function main(): void {
  const [video, countArg, modeArg] = process.argv.slice(2);
  if (!video) throw new Error('usage: eye-transients.ts <video> [count] [change|darkness]');
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
  const scores = modeArg === 'darkness' ? darknessScores(bands) : changeScores(bands);
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
