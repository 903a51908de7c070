// What the daemon holds for identity: the gallery (reloaded when `classpulse students erase` or
// `enroll` rewrites it), the resolver that turns tracker ids into published ids, the optional
// pseudonymiser and the opt-in sample store. The daemon's Perception calls `refresh` now and then
// (it returns the tracker ids whose student was erased), `observeFrame` with the tracker's
// associations after each update, and `relabel` on the frame's events before publishing.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import type { Config } from '../config/schema.js';
import type { Event } from '../events/types.js';
import type { ModelStore } from '../pipeline/model-store.js';
import type { Box, Observation, TrackHint } from '../pipeline/types.js';
import type { TrackAssociations } from '../trackers/embedding-tracker.js';
import { embeddingModelId } from './embedding-model.js';
import { GalleryStore, galleryPath } from './gallery-store.js';
import { type ErasedTrack, IdentityResolver, type Resolution } from './identity-resolver.js';
import { Pseudonymiser } from './pseudonym.js';
import { SampleStore } from './sample-store.js';

/** Kept crops: the face box plus this share on each side, like the embedding crop. */
const SAMPLE_MARGIN = 0.2;
/** At most one kept sample per student per this long: near-identical frames teach nothing. */
const SAMPLE_GAP_MS = 60_000;

export interface IdentityRuntimeOptions {
  config: Pick<Config, 'identity' | 'device'>;
  /** Only the manifest is read (which embedding model runs); no session is opened. */
  models: Pick<ModelStore, 'info' | 'precisionOf' | 'dir'>;
}

export class IdentityRuntime {
  readonly samples: SampleStore;
  private readonly gallery: GalleryStore;
  private readonly resolver: IdentityResolver;
  private galleryStamp: string;
  private readonly lastSampleMs = new Map<string, number>();

  /** Throws GalleryError (corrupt, other model) or PseudonymKeyError: configuration problems. */
  constructor(options: IdentityRuntimeOptions) {
    const { config, models } = options;
    this.gallery = new GalleryStore({ file: galleryPath(config), model: embeddingModelId(models) });
    const keyFile = config.identity.pseudonymKeyFile;
    this.resolver = new IdentityResolver({
      identity: config.identity,
      students: this.gallery.load(),
      ...(keyFile ? { pseudonymiser: Pseudonymiser.fromFile(keyFile) } : {}),
    });
    this.galleryStamp = this.stamp();
    this.samples = new SampleStore({
      identity: config.identity,
      dir: join(config.device.stateDir, 'samples'),
    });
  }

  /** One embedding of a live track; `image` + `box` let an opted-in box keep a face crop. */
  observe(trackId: string, embedding: Float32Array, image?: Mat, box?: Box): Resolution {
    const resolution = this.resolver.observe(trackId, embedding);
    const { studentId } = resolution;
    if (resolution.recognised && studentId && image && box && this.samples.enabled) {
      const nowMs = Date.now();
      if (nowMs - (this.lastSampleMs.get(studentId) ?? 0) >= SAMPLE_GAP_MS) {
        this.lastSampleMs.set(studentId, nowMs);
        this.samples.keep(studentId, encodeCrop(image, box));
      }
    }
    return resolution;
  }

  /**
   * Every embedding of this frame, after `classroom.update`, attributed to the confirmed track the
   * tracker gave it (`associations.observed`). Tentative faces have no identity yet.
   */
  observeFrame(
    observations: readonly Observation[],
    associations: Pick<TrackAssociations, 'observed'>,
    image?: Mat,
  ): void {
    for (const { index, trackId, confirmed } of associations.observed) {
      const o = observations[index];
      if (confirmed && o?.embedding) this.observe(trackId, o.embedding, image, o.box);
    }
  }

  /** While a vote is under way, ask for the track's embedding every frame (identity sooner). */
  adjustHints(hints: readonly TrackHint[]): TrackHint[] {
    return hints.map((h) =>
      !h.needsEmbedding && this.resolver.voting(h.id) ? { ...h, needsEmbedding: true } : h,
    );
  }

  /** Tracker ids → published ids, led by an `identity` event for each id that changed. */
  relabel(events: readonly Event[], tMs: number): Event[] {
    return this.resolver.relabel(events, tMs);
  }

  /** Tracker ids the resolver holds state for: for tests that check nothing leaks. */
  get trackCount(): number {
    return this.resolver.size;
  }

  publishedId(trackId: string): string {
    return this.resolver.publishedId(trackId);
  }

  /**
   * Reloads the gallery if its file changed. Returns the tracker ids whose student is no longer
   * enrolled (erased): the daemon must drop their per-student state. A gallery that became
   * unreadable throws GalleryError once (log it) and the last good one stays in use.
   */
  refresh(): ErasedTrack[] {
    const stamp = this.stamp();
    if (stamp === this.galleryStamp) return [];
    // Stamp first: a bad file is reported once per change, not on every refresh.
    this.galleryStamp = stamp;
    const students = this.gallery.load();
    for (const id of this.lastSampleMs.keys()) {
      if (!students.some((s) => s.id === id)) this.lastSampleMs.delete(id);
    }
    return this.resolver.setStudents(students);
  }

  private stamp(): string {
    try {
      const s = statSync(this.gallery.file);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      // No file is an empty gallery (e.g. after `students erase --all` removed it by hand).
      return 'absent';
    }
  }
}

/** JPEG of the face box with a margin, clipped to the frame. */
function encodeCrop(image: Mat, box: Box): Uint8Array {
  const x0 = Math.max(0, Math.floor(box.x - box.w * SAMPLE_MARGIN));
  const y0 = Math.max(0, Math.floor(box.y - box.h * SAMPLE_MARGIN));
  const x1 = Math.min(image.cols, Math.ceil(box.x + box.w * (1 + SAMPLE_MARGIN)));
  const y1 = Math.min(image.rows, Math.ceil(box.y + box.h * (1 + SAMPLE_MARGIN)));
  const region = image.getRegion(new cv.Rect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)));
  return new Uint8Array(cv.imencode('.jpg', region));
}
