// The nearest enrolled student to an embedding (the one distance: trackers/embedding-math.ts).
import { euclidean } from '../trackers/embedding-math.js';
import type { EnrolledStudent } from './gallery-format.js';

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
