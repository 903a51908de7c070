// Distances between face embeddings (128-D, L2-normalised: distances lie in 0..2).

export function euclidean(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new Error(`embedding length mismatch: ${a.length} vs ${b.length}`);
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Returns a unit-length copy; the pipeline promises unit vectors but a copy also detaches buffers. */
export function normalised(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(v.length);
  if (norm === 0) return out;
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) / norm;
  return out;
}

/**
 * A track's appearance: the last few accepted embeddings. Distance is to the nearest sample, so a
 * student seen both frontal and half-turned still matches either view.
 */
export class EmbeddingGallery {
  private readonly samples: Float32Array[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.samples.length;
  }

  add(embedding: Float32Array): void {
    this.samples.push(normalised(embedding));
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  /** Nearest distance, or undefined when the gallery is empty. */
  distance(embedding: Float32Array): number | undefined {
    let best: number | undefined;
    for (const sample of this.samples) {
      const d = euclidean(sample, embedding);
      if (best === undefined || d < best) best = d;
    }
    return best;
  }

  /** Moves every sample of `other` into this gallery (a returning track merges its new samples). */
  absorb(other: EmbeddingGallery): void {
    for (const sample of other.samples) this.add(sample);
  }
}
