// Do two pipelines (int8 and fp32) report the same faces on the same frame? Measured with the bars
// of the model issue (docs/models.md): same face count, landmarks within 1 % of the inter-ocular
// distance, embeddings at cosine ≥ 0.99.
import { iou } from '../pipeline/detect/nms.js';
import type { Observation } from '../pipeline/types.js';

export interface Agreement {
  frames: number;
  /** Frames where both found the same number of faces. */
  sameFaceCount: number;
  /** Mean landmark shift over matched faces, share of the inter-ocular distance. */
  meanLandmarkShift: number;
  maxLandmarkShift: number;
  /** Lowest cosine between embeddings both computed for the same face. */
  minEmbeddingCosine: number;
}

export class AgreementMeter {
  private frames = 0;
  private sameCount = 0;
  private readonly shifts: number[] = [];
  private minCosine = Number.POSITIVE_INFINITY;

  add(a: readonly Observation[], b: readonly Observation[]): void {
    this.frames += 1;
    if (a.length === b.length) this.sameCount += 1;
    for (const face of a) {
      const other = b.find((o) => iou(o.box, face.box) > 0.5);
      if (!other) continue;
      if (face.landmarks && other.landmarks) {
        this.shifts.push(landmarkShift(face.landmarks, other.landmarks));
      }
      if (face.embedding && other.embedding) {
        this.minCosine = Math.min(this.minCosine, cosine(face.embedding, other.embedding));
      }
    }
  }

  result(): Agreement {
    const mean = this.shifts.reduce((s, v) => s + v, 0) / Math.max(1, this.shifts.length);
    return {
      frames: this.frames,
      sameFaceCount: this.sameCount,
      meanLandmarkShift: mean,
      maxLandmarkShift: this.shifts.length > 0 ? Math.max(...this.shifts) : 0,
      minEmbeddingCosine: Number.isFinite(this.minCosine) ? this.minCosine : 1,
    };
  }
}

/** Mean 2-D distance between the first 468 points over the eye-corner distance (33 → 263). */
export function landmarkShift(a: Float32Array, b: Float32Array): number {
  const points = Math.min(468, Math.floor(Math.min(a.length, b.length) / 3));
  const ax = (i: number) => a[i * 3] ?? 0;
  const ay = (i: number) => a[i * 3 + 1] ?? 0;
  const iod = Math.hypot(ax(263) - ax(33), ay(263) - ay(33));
  let sum = 0;
  for (let i = 0; i < points; i++) {
    sum += Math.hypot(ax(i) - (b[i * 3] ?? 0), ay(i) - (b[i * 3 + 1] ?? 0));
  }
  return points > 0 && iod > 0 ? sum / points / iod : 0;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}
