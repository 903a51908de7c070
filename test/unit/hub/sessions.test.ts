import { describe, expect, it } from 'vitest';
import { hashPassword, parsePasswordHash, verifyPassword } from '../../../src/hub/password-hash.js';
import { canSeeRoom, csrfMatches, SessionStore } from '../../../src/hub/session-store.js';

describe('password hashes', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct hors', hash)).toBe(false);
    expect(await hashPassword('correct horse')).not.toBe(hash);
    expect(await verifyPassword('anything', undefined)).toBe(false);
  });

  it('refuses what is not a usable scrypt hash', () => {
    expect(parsePasswordHash('plain-text')).toBeUndefined();
    expect(
      parsePasswordHash('scrypt$1000$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA=='),
    ).toBeUndefined();
    expect(
      parsePasswordHash(`scrypt$${2 ** 20}$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==`),
    ).toBeUndefined();
  });
});

describe('SessionStore', () => {
  it('logs in with the right password, expires, and logs out', async () => {
    let now = 1_000_000;
    const store = new SessionStore({
      users: [
        {
          name: 'ana',
          role: 'teacher',
          rooms: ['lab'],
          passwordHash: await hashPassword('pw-ana-1'),
        },
      ],
      sessionMinutes: 10,
      now: () => now,
    });
    expect(await store.login('ana', 'wrong')).toBeUndefined();
    expect(await store.login('bob', 'pw-ana-1')).toBeUndefined();
    const session = await store.login('ana', 'pw-ana-1');
    expect(session).toMatchObject({ user: 'ana', role: 'teacher', expiresMs: now + 600_000 });
    expect(store.get(session?.id)).toBe(session);
    now += 599_999;
    expect(store.get(session?.id)).toBe(session);
    now += 1;
    expect(store.get(session?.id)).toBeUndefined();
    const again = await store.login('ana', 'pw-ana-1');
    store.logout(again?.id);
    expect(store.get(again?.id)).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('matches the CSRF token exactly and gives teachers their rooms, admins all', () => {
    const session = {
      id: 'x',
      user: 'a',
      role: 'teacher' as const,
      rooms: ['lab'],
      csrfToken: 'abc',
      expiresMs: 1,
    };
    expect(csrfMatches(session, 'abc')).toBe(true);
    expect(csrfMatches(session, 'abd')).toBe(false);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(canSeeRoom(session, 'lab')).toBe(true);
    expect(canSeeRoom(session, 'music')).toBe(false);
    expect(canSeeRoom({ role: 'admin', rooms: [] }, 'music')).toBe(true);
  });
});
