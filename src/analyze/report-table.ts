// The human-readable form of an analyze report: per file a header line, a table of faces (photo) or
// tracks (video), and the placement advice. Pure: report in, text out.

import type { FaceReport } from './face-report.js';
import type { AnalyzeReport, ImageReport, VideoReport } from './file-report.js';

export function renderReport(report: AnalyzeReport): string {
  const blocks: string[] = [];
  for (const file of report.files) {
    if (!file.ok) continue;
    blocks.push(
      file.kind === 'image'
        ? imageBlock(file)
        : videoBlock(file, report.limits.expressionMinFacePx),
    );
  }
  const { files, failed, faces } = report.summary;
  blocks.push(
    `${files - failed} of ${files} file(s) analysed, ${faces} face(s)/track(s)` +
      (failed > 0 ? `; ${failed} failed (named on stderr)` : '') +
      ` · eyes need ≥ ${report.limits.eyesMinFacePx} px (blink.minFacePx), expressions ≥ ` +
      `${report.limits.expressionMinFacePx} px`,
  );
  return `${blocks.join('\n\n')}\n`;
}

function header(file: ImageReport | VideoReport, what: string): string {
  const smallest = file.smallestFacePx === null ? '' : ` · smallest ${file.smallestFacePx} px`;
  return `${file.file}  ${file.width}×${file.height} ${what}${smallest} · placement ${file.placement.verdict}`;
}

function imageBlock(file: ImageReport): string {
  const rows = file.faces.map((f) => [
    f.label,
    `${f.sizePx}`,
    f.score === null ? '-' : f.score.toFixed(2),
    ...poseCells(f),
    eyesCell(f),
    expressionCell(f),
    identityCell(f),
  ]);
  const lines = [header(file, `image · ${file.faceCount} face(s)`)];
  if (rows.length > 0) {
    lines.push(
      ...table(
        ['face', 'px', 'score', 'yaw', 'pitch', 'roll', 'eyes L/R', 'expression', 'identity'],
        rows,
      ),
    );
  }
  return [...lines, ...advice(file), ...annotated(file)].join('\n');
}

/** A track's expression is marked like a photo's face when its median width is too small. */
function videoBlock(file: VideoReport, expressionMinFacePx: number): string {
  const rows = file.tracks.map((t) => [
    t.track,
    `${t.framesSeen}`,
    `${t.firstS.toFixed(1)}–${t.lastS.toFixed(1)}`,
    `${t.sizePx.median} (${t.sizePx.min}–${t.sizePx.max})`,
    t.pose ? `${t.pose.yawDeg.toFixed(1)}` : '-',
    `${Math.round(t.eyesMeasuredShare * 100)}%`,
    t.expression
      ? `${t.expression.top} ${Math.round(t.expression.share * 100)}%` +
        (t.sizePx.median < expressionMinFacePx ? ' (too small)' : '')
      : '-',
    t.identity ? (t.identity.student ?? 'unknown') : '-',
  ]);
  const budget = file.budgetFps === null ? 'every frame' : `${file.budgetFps} fps budget`;
  const lines = [
    header(
      file,
      `video · ${file.framesAnalysed} frames (${file.durationS.toFixed(1)} s at ${file.fps} fps, ` +
        `${budget}) · ${file.faceCount} track(s)`,
    ),
  ];
  if (rows.length > 0) {
    lines.push(
      ...table(
        [
          'track',
          'frames',
          'seen s',
          'px median (min–max)',
          'yaw med',
          'eyes',
          'expression',
          'identity',
        ],
        rows,
      ),
    );
  }
  return [...lines, ...advice(file), ...annotated(file)].join('\n');
}

function poseCells(f: FaceReport): string[] {
  if (!f.pose) return ['-', '-', '-'];
  return [f.pose.yawDeg, f.pose.pitchDeg, f.pose.rollDeg].map((v) => v.toFixed(1));
}

function eyesCell(f: FaceReport): string {
  if (!f.eyes.measurable || f.eyes.left === null || f.eyes.right === null) return 'not measurable';
  return `${f.eyes.left.toFixed(2)}/${f.eyes.right.toFixed(2)}`;
}

function expressionCell(f: FaceReport): string {
  if (!f.expression) return '-';
  const p = f.expression.probabilities[f.expression.top];
  return `${f.expression.top} ${p.toFixed(2)}${f.expression.reliable ? '' : ' (too small)'}`;
}

function identityCell(f: FaceReport): string {
  if (!f.identity) return '-';
  return f.identity.student ?? `unknown (${f.identity.nearest} ${f.identity.distance.toFixed(2)})`;
}

function advice(file: ImageReport | VideoReport): string[] {
  return file.placement.advice.map((a) => `  → ${a}`);
}

function annotated(file: ImageReport | VideoReport): string[] {
  return file.annotated.map((path) => `  annotated: ${path}`);
}

/** Left-aligned columns, two spaces apart, indented by two. */
function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)];
}
