// Keyed pseudonyms for published student ids: HMAC-SHA256(key, id), cut to 16 hex digits. The same
// id always gives the same pseudonym on boxes that share the key, so dashboards can follow a student
// across lessons without the broker (or anyone without the key) learning the enrolled id.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Shorter keys are refused: a guessable key makes pseudonyms reversible by trying ids. */
const MIN_KEY_BYTES = 16;

export class PseudonymKeyError extends Error {
  constructor(file: string, detail: string) {
    super(`identity.pseudonymKeyFile ${file}: ${detail}`);
    this.name = 'PseudonymKeyError';
  }
}

export class Pseudonymiser {
  private readonly key: Buffer;

  constructor(options: { key: Buffer }) {
    this.key = options.key;
  }

  /** Reads the key file (trailing newline ignored); throws PseudonymKeyError naming the problem. */
  static fromFile(file: string): Pseudonymiser {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PseudonymKeyError(file, `cannot be read (${(error as Error).message})`);
    }
    const key = Buffer.from(text.trim(), 'utf8');
    if (key.length < MIN_KEY_BYTES) {
      throw new PseudonymKeyError(file, `the key must be at least ${MIN_KEY_BYTES} characters`);
    }
    return new Pseudonymiser({ key });
  }

  /** Topic-safe: `p-` and 16 hex digits. */
  pseudonym(studentId: string): string {
    return `p-${createHmac('sha256', this.key).update(studentId).digest('hex').slice(0, 16)}`;
  }
}
