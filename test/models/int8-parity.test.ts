// The shipped int8 models against their fp32 originals on the evaluation pictures the targets are
// stated for (the full table with latency is docs/models.md, from tools/models/parity/report.ts).
// Real models, real images.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStore } from '../../src/pipeline/model-store.js';
import { measureParity, type ParityReport } from '../../tools/models/parity/measure-parity.js';
import {
  evaluationImages,
  openStores,
  type PrecisionStores,
} from '../../tools/models/parity/sources.js';

const MODELS_DIR = 'models';
// The fp32 files are the reference; without them (int8-only checkout) there is nothing to compare.
const haveModels =
  existsSync(`${MODELS_DIR}/manifest.json`) && existsSync(`${MODELS_DIR}/fp32/facemesh.onnx`);

describe.skipIf(!haveModels)('shipped int8 models', () => {
  let stores: PrecisionStores;
  let report: ParityReport;

  beforeAll(async () => {
    stores = openStores(MODELS_DIR, 2);
    // All six pictures (22 faces): a subset let one borderline face (a partly hidden one, fp32
    // face score 0.60, shifted 4 % IOD in int8) decide a mean meant over the whole set.
    report = await measureParity(stores, evaluationImages());
  });

  afterAll(async () => {
    await stores?.fp32.close();
    await stores?.int8.close();
  });

  it('every file matches its manifest entry', () => {
    for (const precision of ['int8', 'fp32'] as const) {
      const store = new ModelStore({ dir: MODELS_DIR, precision, threads: 1 });
      for (const name of ['ssd-mobilenetv1', 'facemesh', 'iris', 'face-embedding', 'expression']) {
        expect(store.verifiedBytes(name).byteLength).toBe(store.info(name).files[precision]?.bytes);
      }
    }
  });

  it('the default detector finds the same faces in the same places', () => {
    const ssd = report.detectors.find((d) => d.model === 'ssd-mobilenetv1');
    expect(ssd?.facesFp32).toBeGreaterThan(0);
    expect(ssd?.facesInt8).toBe(ssd?.facesFp32);
    expect(ssd?.meanIou).toBeGreaterThanOrEqual(0.95);
  });

  it('landmarks move by at most 1 % of the inter-ocular distance on average', () => {
    for (const row of report.landmarks) {
      expect(row.faces).toBeGreaterThan(0);
      expect(row.meanShiftIod).toBeLessThanOrEqual(0.01);
    }
  });

  it('embeddings keep cosine ≥ 0.99 to fp32', () => {
    expect(report.embedding.faces).toBeGreaterThan(0);
    expect(report.embedding.minCosine).toBeGreaterThanOrEqual(0.99);
  });
});
