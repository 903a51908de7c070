import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleStore } from '../../../src/identity/sample-store.js';

const DAY_MS = 86_400_000;
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

function store(keepSamples: boolean, clock: { ms: number }, maxSamples = 500) {
  return new SampleStore({
    identity: { keepSamples, maxSamples, maxSampleAgeDays: 30 },
    dir: join(mkdtempSync(join(tmpdir(), 'samples-')), 'samples'),
    nowMs: () => clock.ms,
  });
}

describe('SampleStore', () => {
  it('keeps nothing unless opted in', () => {
    const s = store(false, { ms: 1_000 });
    expect(s.keep('ana', JPEG)).toBeUndefined();
    expect(existsSync(s.dir)).toBe(false);
  });

  it('keeps crops on the device, readable by the owner only', () => {
    const s = store(true, { ms: 1_000 });
    const file = s.keep('ana', JPEG) as string;
    expect(readFileSync(file)).toEqual(Buffer.from(JPEG));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.dir, 'ana')).mode & 0o777).toBe(0o700);
    expect(s.list('ana')).toHaveLength(1);
  });

  it('drops the oldest beyond the count limit and everything past the age limit', () => {
    const clock = { ms: 10 * DAY_MS };
    const s = store(true, clock, 3);
    for (let i = 0; i < 5; i++) {
      clock.ms += 1000;
      s.keep(i % 2 ? 'ana' : 'ben', JPEG);
    }
    const kept = s
      .list()
      .map((k) => k.keptAtMs)
      .sort();
    expect(kept).toEqual([10 * DAY_MS + 3000, 10 * DAY_MS + 4000, 10 * DAY_MS + 5000]);
    clock.ms += 31 * DAY_MS;
    expect(s.prune()).toBe(3);
    expect(s.list()).toEqual([]);
  });

  it('erases one student, or all, even after opting out', () => {
    const clock = { ms: 1_000 };
    const s = store(true, clock);
    s.keep('ana', JPEG);
    s.keep('ana', JPEG);
    s.keep('ben', JPEG);
    const off = new SampleStore({
      identity: { keepSamples: false, maxSamples: 500, maxSampleAgeDays: 30 },
      dir: s.dir,
    });
    expect(off.erase('ana')).toBe(2);
    expect(existsSync(join(s.dir, 'ana'))).toBe(false);
    expect(off.list().map((k) => k.studentId)).toEqual(['ben']);
    expect(off.eraseAll()).toBe(1);
    expect(existsSync(s.dir)).toBe(false);
  });

  it('refuses ids that could escape its folder', () => {
    const s = store(true, { ms: 1 });
    expect(() => s.keep('../x', JPEG)).toThrow('letters, digits');
    expect(() => s.erase('..')).toThrow('letters, digits');
  });
});
