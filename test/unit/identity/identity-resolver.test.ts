import { describe, expect, it } from 'vitest';
import type { Event } from '../../../src/events/types.js';
import { IdentityResolver } from '../../../src/identity/identity-resolver.js';
import { nearestStudent } from '../../../src/identity/matching.js';
import { Pseudonymiser } from '../../../src/identity/pseudonym.js';
import { axis, near, student } from './fixtures.js';

const identity = { matchDistance: 0.3, votes: 3 };
const students = [student('ana', axis(0)), student('ben', axis(10), axis(20))];
const resolver = () => new IdentityResolver({ identity, students });

describe('IdentityResolver', () => {
  it('gives an enrolled id only after `votes` agreeing embeddings within the distance', () => {
    const r = resolver();
    expect(r.observe('anon-1', near(0, 1, 0.2)).publishedId).toBe('anon-1');
    expect(r.observe('anon-1', near(0, 2, 0.25)).publishedId).toBe('anon-1');
    const third = r.observe('anon-1', near(0, 3, 0.1));
    expect(third).toEqual({ publishedId: 'ana', studentId: 'ana', recognised: true });
  });

  it('keeps a face that matches nobody anonymous, and a broken streak starts again', () => {
    const r = resolver();
    for (let i = 0; i < 5; i++)
      expect(r.observe('anon-2', near(0, 1, 0.35)).publishedId).toBe('anon-2');
    r.observe('anon-3', near(0, 1, 0.1));
    r.observe('anon-3', near(0, 1, 0.1));
    r.observe('anon-3', near(0, 1, 0.5)); // too far: the streak is broken
    r.observe('anon-3', near(0, 1, 0.1));
    expect(r.observe('anon-3', near(0, 1, 0.1)).publishedId).toBe('anon-3');
    expect(r.observe('anon-3', near(0, 1, 0.1)).publishedId).toBe('ana');
  });

  it('matches a student by their closest enrolment photo', () => {
    const r = resolver();
    for (let i = 0; i < 3; i++) r.observe('anon-1', near(20, 21, 0.1));
    expect(r.publishedId('anon-1')).toBe('ben');
  });

  it('does not give one student to two live tracks', () => {
    const r = resolver();
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    for (let i = 0; i < 5; i++) r.observe('anon-2', axis(0));
    expect([r.publishedId('anon-1'), r.publishedId('anon-2')]).toEqual(['ana', 'anon-2']);
  });

  it('takes the id away only after as many disagreeing embeddings', () => {
    const r = resolver();
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    r.observe('anon-1', axis(50));
    r.observe('anon-1', axis(50));
    expect(r.publishedId('anon-1')).toBe('ana');
    r.observe('anon-1', axis(50));
    expect(r.publishedId('anon-1')).toBe('anon-1');
  });

  it('publishes keyed pseudonyms instead of enrolled ids when a key is set', () => {
    const pseudonymiser = new Pseudonymiser({ key: Buffer.from('0123456789abcdef-key') });
    const r = new IdentityResolver({ identity, students, pseudonymiser });
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    const published = r.publishedId('anon-1');
    expect(published).toMatch(/^p-[0-9a-f]{16}$/);
    expect(published).toBe(pseudonymiser.pseudonym('ana'));
    expect(r.studentOf('anon-1')).toBe('ana');
  });

  it('relabels every event that names a track, then forgets expired tracks', () => {
    const r = resolver();
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    const events: Event[] = [
      { type: 'frame', tMs: 5, faces: 1 },
      { type: 'blink', track: 'anon-1', startMs: 1, endMs: 2 },
      { type: 'alert', tMs: 5, alert: 'tired', track: 'anon-1', reason: 'PERCLOS 0.3' },
      { type: 'alert', tMs: 5, alert: 'camera-lost', reason: 'no frames' },
      { type: 'track', tMs: 5, track: 'anon-1', change: 'expired' },
    ];
    const out = r.relabel(events, 5);
    expect(out[1]).toEqual({
      type: 'identity',
      tMs: 5,
      from: 'anon-1',
      to: 'ana',
      reason: 'recognised',
    });
    expect(out.map((e) => ('track' in e ? e.track : undefined))).toEqual([
      undefined,
      undefined,
      'ana',
      'ana',
      undefined,
      'ana',
    ]);
    expect(r.publishedId('anon-1')).toBe('anon-1');
  });

  it('after erasure, tracks holding the erased student go anonymous and are reported', () => {
    const r = resolver();
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    for (let i = 0; i < 3; i++) r.observe('anon-2', axis(10));
    expect(r.setStudents(students.filter((s) => s.id !== 'ana'))).toEqual([
      { trackId: 'anon-1', publishedId: 'ana' },
    ]);
    expect([r.publishedId('anon-1'), r.publishedId('anon-2')]).toEqual(['anon-1', 'ben']);
    for (let i = 0; i < 5; i++) r.observe('anon-1', axis(0));
    expect(r.publishedId('anon-1')).toBe('anon-1');
  });

  it('announces each published id change once, with the id it replaces and why', () => {
    const r = resolver();
    const frame = (tMs: number): Event[] => [{ type: 'frame', tMs, faces: 1 }];
    const changes = (tMs: number) =>
      r.relabel(frame(tMs), tMs).filter((e) => e.type === 'identity');
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    expect(changes(1)).toEqual([
      { type: 'identity', tMs: 1, from: 'anon-1', to: 'ana', reason: 'recognised' },
    ]);
    expect(changes(2)).toEqual([]);
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(50));
    expect(changes(3)).toEqual([
      { type: 'identity', tMs: 3, from: 'ana', to: 'anon-1', reason: 'unrecognised' },
    ]);
    for (let i = 0; i < 3; i++) r.observe('anon-1', axis(0));
    r.setStudents(students.filter((s) => s.id !== 'ana'));
    // Recognised and erased before one relabel: the id published before both is the one that ends.
    expect(changes(4)).toEqual([]);
    for (let i = 0; i < 3; i++) r.observe('anon-2', axis(10));
    changes(5);
    r.setStudents([]);
    expect(changes(6)).toEqual([
      { type: 'identity', tMs: 6, from: 'ben', to: 'anon-2', reason: 'erased' },
    ]);
  });

  it('holds state only for tracks it saw until they expire', () => {
    const r = resolver();
    for (let n = 1; n <= 50; n++) r.observe(`anon-${n}`, axis(n % 3 === 0 ? 0 : 40));
    expect(r.size).toBe(50);
    const expired: Event[] = [];
    for (let n = 1; n <= 48; n++)
      expired.push({ type: 'track', tMs: 9, track: `anon-${n}`, change: 'expired' });
    r.relabel(expired, 9);
    expect(r.size).toBe(2);
  });

  it('refuses an embedding whose length differs from the enrolled ones (one distance, no truncation)', () => {
    expect(() => nearestStudent(new Float32Array(64), students)).toThrow(
      /length mismatch: 64 vs 128/,
    );
  });
});
