// Small synthetic embeddings for the identity unit tests: unit vectors at known distances.
import type { EmbeddingModelId, EnrolledStudent } from '../../../src/identity/gallery-format.js';

export const MODEL: EmbeddingModelId = {
  name: 'face-embedding',
  precision: 'int8',
  sha256: 'a'.repeat(64),
};

/** A unit vector along axis `axis` of 128. */
export function axis(axis: number): Float32Array {
  const v = new Float32Array(128);
  v[axis] = 1;
  return v;
}

/** A unit vector at Euclidean distance `distance` (< 2) from axis(a), turned towards axis(b). */
export function near(a: number, b: number, distance: number): Float32Array {
  // Two unit vectors at angle θ are 2·sin(θ/2) apart.
  const theta = 2 * Math.asin(distance / 2);
  const v = new Float32Array(128);
  v[a] = Math.cos(theta);
  v[b] = Math.sin(theta);
  return v;
}

export function student(id: string, ...embeddings: Float32Array[]): EnrolledStudent {
  return { id, enrolledAt: '2026-11-25T10:00:00.000Z', embeddings };
}
