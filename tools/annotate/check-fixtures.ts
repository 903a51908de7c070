// Consistency check of the hand-made blink fixtures (not of their content, which only eyes can
// check): frame ranges inside the clip, start ≤ peak ≤ end, ms = frame × 1000 / fps, blinks no
// longer than the 700 ms blink limit, sorted, and no blink inside a don't-care span.
// Usage: npx tsx tools/annotate/check-fixtures.ts test/fixtures/blinks/*.json
import { readFileSync } from 'node:fs';

const MAX_BLINK_MS = 700;

interface Span {
  readonly startFrame: number;
  readonly endFrame: number;
}
interface Blink extends Span {
  readonly peakFrame: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly confidence: 'sure' | 'probable';
}
interface BlinkFixture {
  readonly video: string;
  readonly fps: number;
  readonly frames: number;
  readonly blinks: Blink[];
  readonly dontCare: (Span & { readonly why: string })[];
}

function problemsOf(fixture: BlinkFixture): string[] {
  const problems: string[] = [];
  const msPerFrame = 1000 / fixture.fps;
  const inClip = (span: Span) =>
    span.startFrame >= 0 && span.startFrame <= span.endFrame && span.endFrame < fixture.frames;
  fixture.blinks.forEach((blink, i) => {
    const label = `blink ${blink.startFrame}-${blink.endFrame}`;
    if (!inClip(blink)) problems.push(`${label}: outside the clip or reversed`);
    if (blink.peakFrame < blink.startFrame || blink.peakFrame > blink.endFrame) {
      problems.push(`${label}: peak ${blink.peakFrame} outside the blink`);
    }
    if (
      blink.startMs !== blink.startFrame * msPerFrame ||
      blink.endMs !== blink.endFrame * msPerFrame
    ) {
      problems.push(`${label}: ms do not match frames`);
    }
    if ((blink.endFrame - blink.startFrame + 1) * msPerFrame > MAX_BLINK_MS) {
      problems.push(`${label}: longer than ${MAX_BLINK_MS} ms, so not a blink`);
    }
    if (!['sure', 'probable'].includes(blink.confidence)) problems.push(`${label}: bad confidence`);
    const previous = fixture.blinks[i - 1];
    if (previous && previous.endFrame >= blink.startFrame)
      problems.push(`${label}: overlaps or unsorted`);
    for (const span of fixture.dontCare) {
      if (span.startFrame <= blink.endFrame && blink.startFrame <= span.endFrame) {
        problems.push(`${label}: overlaps don't-care ${span.startFrame}-${span.endFrame}`);
      }
    }
  });
  for (const span of fixture.dontCare) {
    if (!inClip(span))
      problems.push(`don't-care ${span.startFrame}-${span.endFrame}: outside the clip`);
    if (span.why.trim() === '')
      problems.push(`don't-care ${span.startFrame}-${span.endFrame}: no reason`);
  }
  return problems;
}

let failed = false;
for (const path of process.argv.slice(2)) {
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as BlinkFixture;
  const problems = problemsOf(fixture);
  console.log(
    `${path}: ${fixture.blinks.length} blinks, ${fixture.dontCare.length} don't-care spans, ${problems.length === 0 ? 'ok' : problems.join('; ')}`,
  );
  failed ||= problems.length > 0;
}
if (failed) process.exit(1);
