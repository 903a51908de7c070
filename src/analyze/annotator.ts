// `classpulse analyze --annotate DIR`: copies of the analysed images with each face's box and
// labels (size, yaw, eye state, expression), coloured by the placement verdict: green wide enough
// for everything, orange too small for one of eyes and expressions, red too small for both. For a video, a few frames: the first
// with a face, the one with the most faces and the one with the smallest face. Written only on
// request, into DIR only (mode 0600), never over an input: names end in ".analyzed".
import { chmod, mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import type { FaceReport, SizeLimits } from './face-report.js';

export interface AnnotatorOptions {
  dir: string;
  limits: SizeLimits;
}

const GREEN = [0, 200, 0] as const;
const ORANGE = [0, 165, 255] as const;
const RED = [0, 0, 255] as const;

/** The video frames worth a picture, annotated as they go by (at most three held). */
export class FrameMarks {
  readonly picks = new Map<string, { image: Mat; tMs: number }>();
  private mostFaces = 0;
  private smallestPx = Number.POSITIVE_INFINITY;

  constructor(private readonly draw: (image: Mat, faces: readonly FaceReport[]) => Mat) {}

  offer(image: Mat, faces: readonly FaceReport[], tMs: number): void {
    if (faces.length === 0) return;
    if (!this.picks.has('first')) this.keep('first', image, faces, tMs);
    if (faces.length > this.mostFaces) {
      this.mostFaces = faces.length;
      this.keep('most-faces', image, faces, tMs);
    }
    const smallest = Math.min(...faces.map((f) => f.sizePx));
    if (smallest < this.smallestPx) {
      this.smallestPx = smallest;
      this.keep('smallest-face', image, faces, tMs);
    }
  }

  private keep(tag: string, image: Mat, faces: readonly FaceReport[], tMs: number): void {
    this.picks.get(tag)?.image.release();
    this.picks.set(tag, { image: this.draw(image, faces), tMs });
  }
}

export class Annotator {
  private readonly used = new Set<string>();

  constructor(private readonly options: AnnotatorOptions) {}

  /** DIR/<name>.analyzed<ext>: the photo with its faces marked. */
  async writeImage(file: string, image: Mat, faces: readonly FaceReport[]): Promise<string> {
    const ext = extname(file).toLowerCase();
    const canvas = this.draw(image, faces);
    try {
      return await this.write(`${basename(file, extname(file))}.analyzed`, ext, canvas);
    } finally {
      canvas.release();
    }
  }

  frameMarks(): FrameMarks {
    return new FrameMarks((image, faces) => this.draw(image, faces));
  }

  /**
   * DIR/<name>.analyzed.<tags>-<seconds>s.jpg for each kept frame (one file per frame: "first" and
   * "most-faces" are often the same one); the frames are released.
   */
  async writeFrames(file: string, marks: FrameMarks): Promise<string[]> {
    const byTime = new Map<number, { tags: string[]; image: Mat }>();
    for (const [tag, { image, tMs }] of marks.picks) {
      const same = byTime.get(tMs);
      if (same) {
        same.tags.push(tag);
        image.release();
      } else {
        byTime.set(tMs, { tags: [tag], image });
      }
    }
    marks.picks.clear();
    const written: string[] = [];
    const stem = basename(file, extname(file));
    for (const [tMs, { tags, image }] of [...byTime].sort((a, b) => a[0] - b[0])) {
      try {
        const name = `${stem}.analyzed.${tags.join('+')}-${(tMs / 1000).toFixed(2)}s`;
        written.push(await this.write(name, '.jpg', image));
      } finally {
        image.release();
      }
    }
    return written;
  }

  private async write(stem: string, ext: string, image: Mat): Promise<string> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    let name = `${stem}${ext}`;
    // Two inputs with one name (from different folders) get -2, -3…
    for (let n = 2; this.used.has(name); n++) name = `${stem}-${n}${ext}`;
    this.used.add(name);
    const path = join(this.options.dir, name);
    await cv.imwriteAsync(path, image);
    await chmod(path, 0o600);
    return path;
  }

  private draw(image: Mat, faces: readonly FaceReport[]): Mat {
    const canvas = image.copy();
    const side = Math.min(image.cols, image.rows);
    const thickness = Math.max(1, Math.round(side / 360));
    const scale = Math.max(0.35, side / 1500);
    const lineHeight = Math.round(22 * scale + 4);
    const font = cv.FONT_HERSHEY_SIMPLEX;
    const black = new cv.Vec3(0, 0, 0);
    // Labels already drawn: a crowded back row gets its labels below the box, or only the short
    // one, rather than text over text.
    const taken: Rect[] = [];
    for (const face of faces) {
      const colour = new cv.Vec3(...this.colourOf(face));
      const { x, y, w, h } = face.box;
      canvas.drawRectangle(new cv.Rect(x, y, Math.max(1, w), Math.max(1, h)), colour, thickness);
      const block = (lines: string[], top: number): Rect => ({
        x,
        y: top,
        w: Math.max(...lines.map((l) => cv.getTextSize(l, font, scale, thickness + 2).size.width)),
        h: lines.length * lineHeight,
      });
      const full = labelLines(face);
      const above = block(full, y - full.length * lineHeight);
      const below = block(full, y + h + 2);
      const fits = (r: Rect) =>
        r.y >= 0 && r.y + r.h <= image.rows && !taken.some((t) => overlaps(t, r));
      const lines = fits(above) || fits(below) ? full : (full.slice(0, 1) as string[]);
      const spot = fits(above)
        ? above
        : fits(below)
          ? below
          : block(lines, Math.max(0, y - lineHeight));
      taken.push(spot);
      lines.forEach((line, i) => {
        const origin = new cv.Point2(x, spot.y + (i + 1) * lineHeight - 4);
        canvas.putText(line, origin, font, scale, black, thickness + 2);
        canvas.putText(line, origin, font, scale, colour, thickness);
      });
    }
    return canvas;
  }

  private colourOf(face: FaceReport): readonly [number, number, number] {
    const { eyesMinFacePx, expressionMinFacePx } = this.options.limits;
    if (face.sizePx < Math.min(eyesMinFacePx, expressionMinFacePx)) return RED;
    if (face.sizePx < Math.max(eyesMinFacePx, expressionMinFacePx)) return ORANGE;
    return GREEN;
  }
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** "f1 86px yaw -12", "eyes .31/.29" or "eyes n/m", "happy 93%". */
function labelLines(face: FaceReport): string[] {
  const yaw = face.pose ? ` yaw ${Math.round(face.pose.yawDeg)}` : '';
  const eyes = face.eyes.measurable
    ? `eyes ${ratio(face.eyes.left)}/${ratio(face.eyes.right)}`
    : 'eyes n/m';
  const lines = [`${face.label} ${face.sizePx}px${yaw}`, eyes];
  if (face.expression) {
    const p = face.expression.probabilities[face.expression.top];
    lines.push(`${face.expression.top} ${Math.round(p * 100)}%`);
  }
  return lines;
}

const ratio = (value: number | null): string =>
  value === null ? '-' : value.toFixed(2).replace(/^0/, '');
