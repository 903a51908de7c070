import { describe, expect, it } from 'vitest';
import type { Event } from '../../../src/events/types.js';
import { IdentityResolver } from '../../../src/identity/identity-resolver.js';
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
    const out = r.relabel(events);
    expect(out.map((e) => ('track' in e ? e.track : undefined))).toEqual([
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
});
