// Logins: users from the hub config checked against their scrypt hashes, sessions in memory (a
// restart logs everyone out, which is fine for a dashboard), each with its own CSRF token and a
// fixed expiry. Room access: a teacher sees the rooms listed for them, an admin every room.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HubUser, Role } from './hub-schema.js';
import { verifyPassword } from './password-hash.js';

export interface Session {
  id: string;
  user: string;
  role: Role;
  rooms: readonly string[];
  csrfToken: string;
  expiresMs: number;
}

export interface SessionStoreOptions {
  users: readonly HubUser[];
  sessionMinutes: number;
  now?: () => number;
}

export class SessionStore {
  private readonly users: Map<string, HubUser>;
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions) {
    this.users = new Map(options.users.map((u) => [u.name, u]));
    this.ttlMs = options.sessionMinutes * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session for a correct user and password, else undefined (same cost either way). */
  async login(user: string, password: string): Promise<Session | undefined> {
    const entry = this.users.get(user);
    const ok = await verifyPassword(password, entry?.passwordHash);
    if (!ok || !entry) return undefined;
    this.sweep();
    const session: Session = {
      id: token(),
      user: entry.name,
      role: entry.role,
      rooms: [...entry.rooms],
      csrfToken: token(),
      expiresMs: this.now() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session for a cookie value; an expired one is forgotten. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresMs <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  logout(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresMs <= now) this.sessions.delete(id);
  }
}

export function canSeeRoom(session: Pick<Session, 'role' | 'rooms'>, room: string): boolean {
  return session.role === 'admin' || session.rooms.includes(room);
}

/** Constant-time comparison of the header a request sent with the session's CSRF token. */
export function csrfMatches(session: Session, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function token(): string {
  return randomBytes(32).toString('base64url');
}
