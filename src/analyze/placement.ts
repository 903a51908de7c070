// The placement verdict of `classpulse analyze`: which faces are too small at this resolution for
// eye measurements (blink.minFacePx) or expressions, and the change that fixes it. A face's width in
// pixels grows with zoom and with resolution, and shrinks with distance (pinhole camera), so the
// smallest face needs the factor threshold ÷ width: zoom ×k, or the camera at 1/k of its distance,
// or k× the resolution. Pure: sizes in, verdict out.
import type { SizeLimits } from './face-report.js';

/** A face (photo) or a track (video: its median width) to judge. */
export interface SizedFace {
  label: string;
  sizePx: number;
  box: { x: number; y: number; w: number; h: number };
}

/** The change that brings the smallest face up to a threshold. */
interface PlacementFix {
  /** threshold ÷ smallest width, rounded up to 2 decimals. */
  zoom: number;
  /** Camera-to-face distance as a share of today's, rounded down to 2 decimals (1 ÷ zoom). */
  distanceRatio: number;
  /** The same faces with a sensor of this many pixels (same lens and place). */
  resolution: { width: number; height: number };
  /**
   * Every face found still fits in the view narrowed by the zoom (with the camera re-aimed at their
   * centre); false: zooming in (or moving closer) loses faces, so more resolution is the fix.
   */
  facesStayInView: boolean;
}

interface Requirement {
  minFacePx: number;
  /** Labels of the faces below minFacePx. */
  tooSmall: string[];
  fix: PlacementFix | null;
}

export interface Placement {
  verdict: 'ok' | 'too-small' | 'no-face';
  eyes: Requirement;
  expression: Requirement;
  /** One sentence per finding, for the technician. */
  advice: string[];
}

export interface FrameSize {
  width: number;
  height: number;
}

export function placement(
  faces: readonly SizedFace[],
  frame: FrameSize,
  limits: SizeLimits,
): Placement {
  const eyes = requirement(faces, frame, limits.eyesMinFacePx);
  const expression = requirement(faces, frame, limits.expressionMinFacePx);
  if (faces.length === 0) {
    return {
      verdict: 'no-face',
      eyes,
      expression,
      advice: ['no face found: check that the camera sees the class, in focus and lit'],
    };
  }
  const advice: string[] = [];
  if (eyes.tooSmall.length === 0 && expression.tooSmall.length === 0) {
    advice.push(
      `every face is wide enough for eye measurements (≥ ${eyes.minFacePx} px) and ` +
        `expressions (≥ ${expression.minFacePx} px)`,
    );
  }
  advice.push(...adviceFor('expressions', expression), ...adviceFor('eye measurements', eyes));
  const ok = eyes.tooSmall.length === 0 && expression.tooSmall.length === 0;
  return { verdict: ok ? 'ok' : 'too-small', eyes, expression, advice };
}

function requirement(
  faces: readonly SizedFace[],
  frame: FrameSize,
  minFacePx: number,
): Requirement {
  const small = faces.filter((f) => f.sizePx < minFacePx);
  const smallest = Math.min(...small.map((f) => f.sizePx));
  if (small.length === 0 || !(smallest > 0)) {
    return { minFacePx, tooSmall: small.map((f) => f.label), fix: null };
  }
  const zoom = Math.ceil((minFacePx / smallest) * 100) / 100;
  return {
    minFacePx,
    tooSmall: small.map((f) => f.label),
    fix: {
      zoom,
      distanceRatio: Math.floor(100 / zoom) / 100,
      resolution: {
        width: Math.ceil(frame.width * zoom),
        height: Math.ceil(frame.height * zoom),
      },
      facesStayInView: fitsAfterZoom(faces, frame, zoom),
    },
  };
}

/** The faces' common box fits in a view `zoom` times narrower. */
function fitsAfterZoom(faces: readonly SizedFace[], frame: FrameSize, zoom: number): boolean {
  const x0 = Math.min(...faces.map((f) => f.box.x));
  const y0 = Math.min(...faces.map((f) => f.box.y));
  const x1 = Math.max(...faces.map((f) => f.box.x + f.box.w));
  const y1 = Math.max(...faces.map((f) => f.box.y + f.box.h));
  return x1 - x0 <= frame.width / zoom && y1 - y0 <= frame.height / zoom;
}

function adviceFor(what: string, r: Requirement): string[] {
  const { fix } = r;
  if (!fix) return [];
  const faces = r.tooSmall.length === 1 ? `${r.tooSmall[0]} is` : `${r.tooSmall.join(', ')} are`;
  const change = fix.facesStayInView
    ? `zoom ×${fix.zoom}, or move the camera to ${fix.distanceRatio}× its distance, or use ` +
      `${fix.resolution.width}×${fix.resolution.height} px`
    : `use ${fix.resolution.width}×${fix.resolution.height} px (×${fix.zoom}); zooming ×${fix.zoom} ` +
      `or moving closer would cut other faces out of the view`;
  return [`${faces} too small for ${what} (< ${r.minFacePx} px): ${change}`];
}
