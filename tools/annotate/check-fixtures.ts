// Consistency check of the hand-made blink fixtures (not of their content, which only eyes can
// check): frame ranges inside the clip, start ≤ peak ≤ end, ms = frame × 1000 / fps (rounded, for
// 24 fps), blinks no longer than the 700 ms blink limit and long closures longer, sorted, no blink
// inside a don't-care span or a long closure, and nothing at or after a held-out frame.
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
/** A closure longer than a blink (it counts as eyes-closed time, not as a blink). */
interface LongClosure extends Span {
  readonly startMs: number;
  readonly endMs: number;
  readonly confidence: 'sure' | 'probable';
  readonly note?: string;
}
interface BlinkFixture {
  readonly video: string;
  readonly fps: number;
  readonly frames: number;
  /** Frames from here on are held out for independent evaluation and must not be labelled. */
  readonly heldOutFromFrame?: number;
  readonly blinks: Blink[];
  readonly longClosures?: LongClosure[];
  readonly dontCare: (Span & { readonly why: string })[];
}

const overlaps = (a: Span, b: Span) => a.startFrame <= b.endFrame && b.startFrame <= a.endFrame;

/** Problems of the long closures and of the held-out limit, which only some fixtures have. */
function extraProblemsOf(fixture: BlinkFixture, msOf: (frame: number) => number): string[] {
  const problems: string[] = [];
  const closures = fixture.longClosures ?? [];
  for (const closure of closures) {
    const label = `long closure ${closure.startFrame}-${closure.endFrame}`;
    if (closure.startMs !== msOf(closure.startFrame) || closure.endMs !== msOf(closure.endFrame)) {
      problems.push(`${label}: ms do not match frames`);
    }
    if (msOf(closure.endFrame + 1) - msOf(closure.startFrame) <= MAX_BLINK_MS) {
      problems.push(`${label}: not longer than ${MAX_BLINK_MS} ms, so a blink`);
    }
    if (!['sure', 'probable'].includes(closure.confidence))
      problems.push(`${label}: bad confidence`);
    for (const blink of fixture.blinks) {
      if (overlaps(closure, blink)) problems.push(`${label}: overlaps blink ${blink.startFrame}`);
    }
  }
  const limit = fixture.heldOutFromFrame;
  if (limit !== undefined) {
    if (fixture.frames > limit)
      problems.push(`frames ${fixture.frames} reach into the held-out part`);
    const spans: Span[] = [...fixture.blinks, ...closures, ...fixture.dontCare];
    for (const span of spans) {
      if (span.endFrame >= limit)
        problems.push(`span ${span.startFrame}-${span.endFrame}: held out`);
    }
  }
  return problems;
}

function problemsOf(fixture: BlinkFixture): string[] {
  const problems: string[] = [];
  const msPerFrame = 1000 / fixture.fps;
  const msOf = (frame: number) => Math.round(frame * msPerFrame);
  const inClip = (span: Span) =>
    span.startFrame >= 0 && span.startFrame <= span.endFrame && span.endFrame < fixture.frames;
  fixture.blinks.forEach((blink, i) => {
    const label = `blink ${blink.startFrame}-${blink.endFrame}`;
    if (!inClip(blink)) problems.push(`${label}: outside the clip or reversed`);
    if (blink.peakFrame < blink.startFrame || blink.peakFrame > blink.endFrame) {
      problems.push(`${label}: peak ${blink.peakFrame} outside the blink`);
    }
    if (blink.startMs !== msOf(blink.startFrame) || blink.endMs !== msOf(blink.endFrame)) {
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
      if (overlaps(span, blink)) {
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
  return [...problems, ...extraProblemsOf(fixture, msOf)];
}

let failed = false;
for (const path of process.argv.slice(2)) {
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as BlinkFixture;
  const problems = problemsOf(fixture);
  console.log(
    `${path}: ${fixture.blinks.length} blinks, ${fixture.longClosures?.length ?? 0} long closures, ${fixture.dontCare.length} don't-care spans, ${problems.length === 0 ? 'ok' : problems.join('; ')}`,
  );
  failed ||= problems.length > 0;
}
if (failed) process.exit(1);
