// Session sources for parity runs: the verified shipped models (ModelStore), with chosen models
// swapped to int8 so each model's own effect is measured with everything else in fp32.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cv, type Mat } from '../../../src/capture/cv.js';
import { ModelStore } from '../../../src/pipeline/model-store.js';
import type { ModelSession, SessionSource } from '../../../src/pipeline/models.js';

/** The evaluation pictures (22 faces): never used for calibration or for choosing settings. */
export const EVALUATION_DIR = 'node_modules/@vladmandic/face-api/demo';

export interface EvaluationImage {
  file: string;
  image: Mat;
}

export function evaluationImages(dir = EVALUATION_DIR): EvaluationImage[] {
  return readdirSync(dir)
    .filter((file) => /^sample\d\.jpg$/.test(file))
    .sort()
    .map((file) => ({ file, image: cv.imread(join(dir, file)) }));
}

export interface PrecisionStores {
  fp32: ModelStore;
  int8: ModelStore;
}

export function openStores(dir: string, threads: number): PrecisionStores {
  return {
    fp32: new ModelStore({ dir, precision: 'fp32', threads }),
    int8: new ModelStore({ dir, precision: 'int8', threads }),
  };
}

/** fp32 everywhere except the named models, which come from the int8 store. */
export class MixedSource implements SessionSource {
  constructor(
    private readonly stores: PrecisionStores,
    private readonly int8Models: readonly string[],
  ) {}

  session(name: string): Promise<ModelSession> {
    return (this.int8Models.includes(name) ? this.stores.int8 : this.stores.fp32).session(name);
  }
}
