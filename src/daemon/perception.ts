// One frame's trip through perception: the trackers' hints (read-only) steer the pipeline, its
// observations update the trackers, and the class summary is added on its interval of frame time.
import type { Frame } from '../capture/frame.js';
import type { Event } from '../events/types.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Box } from '../pipeline/types.js';
import type { Classroom } from '../trackers/classroom.js';
import type { FrameProcessor, ProcessedFrame } from './daemon.js';

export interface PerceptionOptions {
  pipeline: Pipeline;
  classroom: Classroom;
  /** Class summary every this many ms of frame time (mqtt.classIntervalS). */
  classIntervalMs: number;
}

export class Perception implements FrameProcessor {
  private nextClassMs = 0;

  constructor(private readonly options: PerceptionOptions) {}

  async process(frame: Frame): Promise<ProcessedFrame> {
    const { pipeline, classroom, classIntervalMs } = this.options;
    const hints = classroom.hints(frame.tMs);
    const result = await pipeline.process(frame, hints);
    const trackStarted = performance.now();
    const events: Event[] = classroom.update(result.observations, frame.tMs);
    if (frame.tMs >= this.nextClassMs) {
      events.push({ type: 'class', tMs: frame.tMs, summary: classroom.summary(frame.tMs) });
      this.nextClassMs = frame.tMs + classIntervalMs;
    }
    const first = events[0];
    const faces = first?.type === 'frame' ? first.faces : result.observations.length;
    return {
      events,
      faces,
      timingsMs: { ...result.timingsMs, track: performance.now() - trackStarted },
    };
  }

  /** Live tracks, for the annotated snapshot. */
  boxes(): Array<{ id: string; box: Box }> {
    return this.options.classroom
      .tracks()
      .filter((t) => !t.lost)
      .map((t) => ({ id: t.id, box: t.box }));
  }

  reset(): void {
    this.options.classroom.reset();
  }
}
