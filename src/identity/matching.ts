// Distances between L2-normalised embeddings and the nearest enrolled student.
import type { EnrolledStudent } from './gallery-format.js';

export function euclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export interface StudentMatch {
  studentId: string;
  /** Smallest distance to any of the student's enrolled embeddings. */
  distance: number;
}

/** Nearest student by their closest enrolment photo (photos differ in pose and light). */
export function nearestStudent(
  embedding: Float32Array,
  students: readonly EnrolledStudent[],
): StudentMatch | undefined {
  let best: StudentMatch | undefined;
  for (const student of students) {
    for (const enrolled of student.embeddings) {
      const distance = euclidean(embedding, enrolled);
      if (!best || distance < best.distance) best = { studentId: student.id, distance };
    }
  }
  return best;
}
