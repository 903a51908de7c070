// Runs the daemon's perception over a clip in-process (the replay path) and collects its events.
import type { Config } from '../../src/config/schema.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { TraceSink } from '../../src/daemon/trace-sink.js';
import type { Event } from '../../src/events/types.js';
import type { Logger } from '../../src/log/logger.js';
import type { ModelStore } from '../../src/pipeline/model-store.js';
import { buildPerception } from '../../src/runtime/wiring.js';

export interface ClipRun {
  events: Event[];
  tracksBorn: string[];
  frames: number;
  wallMs: number;
  latencyMs: ReturnType<Daemon['stats']['latency']>;
}

/** `fps`: keep that many frames per second of media time; undefined = every frame. */
export async function replayClip(options: {
  config: Config;
  video: string;
  fps?: number;
  models: ModelStore;
  logger: Logger;
  /** End before this media time (ms): held-out parts of a clip are never decoded. */
  maxMediaMs?: number;
}): Promise<ClipRun> {
  const { config, video, fps, models, logger, maxMediaMs } = options;
  const clipConfig: Config = {
    ...config,
    camera: {
      ...config.camera,
      source: video,
      realtime: false,
      onEnd: 'stop',
      fps: fps ?? config.camera.fps,
    },
  };
  const events: Event[] = [];
  const sink = new TraceSink(false);
  const collector = {
    publish: (event: Event) => {
      events.push(event);
      sink.publish(event);
    },
    setCamera: () => {},
    stop: async () => {},
  };
  const processor = await buildPerception(clipConfig, logger, models);
  const daemon = new Daemon({
    config: clipConfig,
    logger,
    sink: collector,
    processor,
    paced: false,
    budget: fps !== undefined,
    ...(maxMediaMs === undefined ? {} : { stopAtMs: maxMediaMs }),
  });
  const started = performance.now();
  await daemon.run(new AbortController().signal);
  return {
    events,
    tracksBorn: sink.summary.tracks,
    frames: sink.summary.frames,
    wallMs: performance.now() - started,
    latencyMs: daemon.stats.latency(),
  };
}
