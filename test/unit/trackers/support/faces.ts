// Synthetic identities: 128-D unit embeddings with a shared component (real face embeddings of
// different people are not orthogonal) and per-frame noise.
import { gaussian, mulberry32 } from './random.js';

const DIM = 128;

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / norm);
}

export class FaceBank {
  private readonly random: () => number;
  private readonly common: number[];
  private readonly people = new Map<string, Float32Array>();

  /**
   * `noise` is the per-frame jitter; with the defaults the same person's samples lie about 0.2 apart
   * and different people about 0.9 apart (face-api's usual same/different boundary is 0.6).
   */
  constructor(
    seed: number,
    private readonly noise = 0.02,
  ) {
    this.random = mulberry32(seed);
    this.common = Array.from({ length: DIM }, () => gaussian(this.random));
  }

  identity(person: string): Float32Array {
    let base = this.people.get(person);
    if (!base) {
      const own = Array.from({ length: DIM }, () => gaussian(this.random));
      base = unit(own.map((v, i) => 0.8 * v + 0.6 * (this.common[i] ?? 0)));
      this.people.set(person, base);
    }
    return base;
  }

  /** One measured embedding of `person`. */
  sample(person: string): Float32Array {
    const base = this.identity(person);
    return unit(Array.from(base, (v) => v + this.noise * gaussian(this.random)));
  }
}
