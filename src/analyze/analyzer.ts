// `classpulse analyze` on one file: a photo is one frame through the daemon's pipeline (no tracks,
// every face described); a video runs through the daemon's Perception (pipeline + trackers) frame
// by frame, so track ids are the ones the daemon would give. Identity is read from the gallery and
// judged with the daemon's rule (identity.matchDistance per face, identity.votes per track); nothing
// is published and nothing is written but the annotated images asked for.
import { FrameSource, type MediaInfo, SourceUnavailableError } from '../capture/frame-source.js';
import { readImageFrame } from '../capture/image-file.js';
import type { Config } from '../config/schema.js';
import type { EnrolledStudent } from '../identity/gallery-format.js';
import { IdentityResolver } from '../identity/identity-resolver.js';
import { nearestStudent } from '../identity/matching.js';
import type { Logger } from '../log/logger.js';
import { Perception } from '../pipeline/perception.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Observation } from '../pipeline/types.js';
import { perceptionSettings } from '../runtime/wiring.js';
import type { Annotator, FrameMarks } from './annotator.js';
import { type FaceIdentity, type FaceReport, faceReport, type SizeLimits } from './face-report.js';
import {
  EvenSample,
  FRAME_SAMPLES,
  type ImageReport,
  type SampledFrame,
  TrackTally,
  type VideoReport,
} from './file-report.js';
import { placement } from './placement.js';

/** A file that cannot be analysed (missing, unreadable, corrupt): its message names the problem. */
export class AnalyzeInputError extends Error {}

export interface AnalyzerOptions {
  config: Config;
  /** Built with describeEveryFace (every face gets an embedding and an expression). */
  pipeline: Pipeline;
  students: readonly EnrolledStudent[];
  limits: SizeLimits;
  logger: Logger;
  annotator?: Annotator | undefined;
}

export interface VideoOptions {
  /** Frame budget (frames per second of media time); undefined: every frame. */
  fps?: number | undefined;
  /** Stop before this media time (ms). */
  untilMs?: number | undefined;
  /** Called after each frame with the number of frames the run should analyse (0: unknown). */
  onFrame?: (expectedFrames: number) => void;
}

export class Analyzer {
  constructor(private readonly options: AnalyzerOptions) {}

  async image(file: string): Promise<ImageReport> {
    const read = readImageFrame(file);
    if (!read.ok) throw new AnalyzeInputError(read.problem);
    const { frame } = read;
    try {
      const { observations } = await this.options.pipeline.processStill(frame);
      // Left to right, so f1, f2… read like the photo.
      const ordered = [...observations].sort((a, b) => a.box.x - b.box.x);
      const faces = ordered.map((o, i) =>
        faceReport(o, `f${i + 1}`, this.options.limits, this.identify(o)),
      );
      const annotated = this.options.annotator
        ? [await this.options.annotator.writeImage(file, frame.image, faces)]
        : [];
      return {
        file,
        kind: 'image',
        ok: true,
        width: frame.width,
        height: frame.height,
        faceCount: faces.length,
        smallestFacePx: faces.length > 0 ? Math.min(...faces.map((f) => f.sizePx)) : null,
        placement: placement(faces, frame, this.options.limits),
        annotated,
        faces,
      };
    } finally {
      frame.image.release();
    }
  }

  async video(file: string, options: VideoOptions = {}): Promise<VideoReport> {
    const { config, pipeline, logger, limits } = this.options;
    const source = new FrameSource({
      camera: {
        ...config.camera,
        source: file,
        realtime: false,
        onEnd: 'stop',
        fps: options.fps ?? config.camera.fps,
      },
      logger,
      paced: false,
      budget: options.fps !== undefined,
      ...(options.untilMs === undefined ? {} : { stopAtMs: options.untilMs }),
    });
    // Fresh trackers per file: tracks never carry over from one video to the next.
    const perception = new Perception(perceptionSettings(config, pipeline));
    const resolver = new IdentityResolver({
      identity: config.identity,
      students: this.options.students,
    });
    const tallies = new Map<string, TrackTally>();
    const confirmed = new Set<string>();
    const renamed = new Map<string, string>();
    const samples = new EvenSample<SampledFrame>(FRAME_SAMPLES);
    const marks: FrameMarks | undefined = this.options.annotator?.frameMarks();
    let frames = 0;
    let lastMs = 0;
    let size = { width: 0, height: 0 };
    const abort = new AbortController();
    try {
      for await (const frame of source.frames(abort.signal)) {
        try {
          size = { width: frame.width, height: frame.height };
          const measured = await perception.measure(frame);
          const faces: FaceReport[] = [];
          for (const { index, trackId, confirmed: isConfirmed } of measured.associations.observed) {
            const o = measured.observations[index];
            if (!o) continue;
            const face = faceReport(o, trackId, limits, this.identify(o));
            faces.push(face);
            let student: string | null | undefined;
            if (isConfirmed) {
              confirmed.add(trackId);
              if (o.embedding && this.options.students.length > 0)
                student = resolver.observe(trackId, o.embedding).studentId ?? null;
            }
            const tally = tallies.get(trackId) ?? new TrackTally();
            tally.add(face, frame.tMs, student);
            tallies.set(trackId, tally);
          }
          for (const { from, to } of measured.associations.renamed) {
            renamed.set(from, to);
            const tentative = tallies.get(from);
            if (tentative) {
              const into = tallies.get(to) ?? new TrackTally();
              into.absorb(tentative);
              tallies.set(to, into);
              tallies.delete(from);
            }
          }
          samples.push(samples.wantsNext ? { tMs: Math.round(frame.tMs), faces } : undefined);
          marks?.offer(frame.image, faces, frame.tMs);
          frames++;
          lastMs = frame.tMs;
          options.onFrame?.(expectedFrames(source.media(), options));
        } finally {
          frame.image.release();
        }
      }
    } catch (error) {
      if (error instanceof SourceUnavailableError)
        throw new AnalyzeInputError(`cannot be opened as a video (${error.message})`);
      throw error;
    }
    if (frames === 0) throw new AnalyzeInputError('no frame could be decoded');
    const sampled = samples.items().map((s) => ({
      tMs: s.tMs,
      faces: s.faces.map((f) => ({ ...f, label: finalId(f.label, renamed) })),
    }));
    const tracks = [...tallies]
      .filter(([id]) => confirmed.has(id))
      .map(([id, tally]) => ({ id, tally }));
    const sized = tracks.map(({ id, tally }) => ({
      label: id,
      sizePx: tally.medianSizePx,
      // The placement's view check needs a box: the track's faces in the sampled frames.
      box: unionBox(
        sampled.flatMap((s) => s.faces.filter((f) => f.label === id).map((f) => f.box)),
      ),
    }));
    const media = source.media();
    const annotated =
      marks && this.options.annotator ? await this.options.annotator.writeFrames(file, marks) : [];
    return {
      file,
      kind: 'video',
      ok: true,
      width: size.width,
      height: size.height,
      faceCount: tracks.length,
      smallestFacePx: sized.length > 0 ? Math.min(...sized.map((t) => t.sizePx)) : null,
      placement: placement(sized, size, limits),
      annotated,
      fps: Math.round(media.nativeFps * 100) / 100,
      budgetFps: options.fps ?? null,
      framesAnalysed: frames,
      durationS: Math.round(lastMs) / 1000,
      tracks: tracks.map(({ id, tally }) => tally.summary(id)),
      frames: sampled,
    };
  }

  /** Nearest enrolled student, matched when within identity.matchDistance (null: no gallery). */
  private identify(observation: Observation): FaceIdentity | null {
    const { students, config } = this.options;
    if (students.length === 0 || !observation.embedding) return null;
    const match = nearestStudent(observation.embedding, students);
    if (!match) return null;
    return {
      student: match.distance <= config.identity.matchDistance ? match.studentId : null,
      nearest: match.studentId,
      distance: Math.round(match.distance * 1000) / 1000,
    };
  }
}

/** Frames a run will analyse: the file's length (or --until when shorter) at the budget. */
function expectedFrames(media: MediaInfo, options: VideoOptions): number {
  if (!(media.nativeFps > 0 && media.frameCount > 0)) return 0;
  const lengthS = media.frameCount / media.nativeFps;
  const coveredS =
    options.untilMs === undefined ? lengthS : Math.min(lengthS, options.untilMs / 1000);
  return Math.ceil(coveredS * Math.min(media.nativeFps, options.fps ?? media.nativeFps));
}

function finalId(id: string, renamed: ReadonlyMap<string, string>): string {
  let current = id;
  for (let hops = 0; hops < 10 && renamed.has(current); hops++)
    current = renamed.get(current) ?? current;
  return current;
}

function unionBox(boxes: ReadonlyArray<{ x: number; y: number; w: number; h: number }>) {
  if (boxes.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return {
    x,
    y,
    w: Math.max(...boxes.map((b) => b.x + b.w)) - x,
    h: Math.max(...boxes.map((b) => b.y + b.h)) - y,
  };
}
