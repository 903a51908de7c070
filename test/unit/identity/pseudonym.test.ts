import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pseudonymiser, PseudonymKeyError } from '../../../src/identity/pseudonym.js';

const keyFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'key-')), 'key');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
};

describe('Pseudonymiser', () => {
  it('is stable for one key, different across keys and ids, and topic-safe', () => {
    const a = Pseudonymiser.fromFile(keyFile('a-long-enough-secret-key\n'));
    const again = Pseudonymiser.fromFile(keyFile('a-long-enough-secret-key'));
    const b = Pseudonymiser.fromFile(keyFile('another-long-secret-key!'));
    expect(a.pseudonym('ana')).toBe(again.pseudonym('ana'));
    expect(a.pseudonym('ana')).not.toBe(b.pseudonym('ana'));
    expect(a.pseudonym('ana')).not.toBe(a.pseudonym('ben'));
    expect(a.pseudonym('ana')).toMatch(/^p-[0-9a-f]{16}$/);
    expect(a.pseudonym('ana')).not.toContain('ana');
  });

  it('refuses a missing or short key file, naming it', () => {
    expect(() => Pseudonymiser.fromFile('/nonexistent/key')).toThrow(PseudonymKeyError);
    expect(() => Pseudonymiser.fromFile('/nonexistent/key')).toThrow('/nonexistent/key');
    expect(() => Pseudonymiser.fromFile(keyFile('short'))).toThrow('at least 16 characters');
  });
});
