// Password hashes for hub users: node:crypto scrypt, stored as scrypt$N$r$p$salt$key (base64).
// The parameters travel with the hash so they can be raised later without invalidating old ones.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Memory scrypt may use: 128 * N * r bytes, with headroom for raised parameters. */
const MAX_MEM = 64 * 1024 * 1024;

interface ScryptHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** The parts of an encoded hash, or undefined when it is not one of ours. */
export function parsePasswordHash(encoded: string): ScryptHash | undefined {
  const match =
    /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(encoded);
  if (!match) return undefined;
  const [n, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const isPowerOfTwo = n > 1 && (n & (n - 1)) === 0;
  if (!isPowerOfTwo || r < 1 || p < 1 || 128 * n * r > MAX_MEM) return undefined;
  const salt = Buffer.from(match[4] as string, 'base64');
  const key = Buffer.from(match[5] as string, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { n, r, p, salt, key };
}

function derive(password: string, hash: Omit<ScryptHash, 'key'>, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      hash.salt,
      bytes,
      { N: hash.n, r: hash.r, p: hash.p, maxmem: MAX_MEM },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, { n: N, r: R, p: P, salt }, KEY_BYTES);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A throwaway hash: unknown users cost the same scrypt work as known ones (no user probing). */
const DECOY = `scrypt$${N}$${R}$${P}$${Buffer.alloc(SALT_BYTES, 1).toString('base64')}$${Buffer.alloc(KEY_BYTES, 2).toString('base64')}`;

/** Constant-time check of `password` against an encoded hash; undefined hash = decoy work. */
export async function verifyPassword(
  password: string,
  encoded: string | undefined,
): Promise<boolean> {
  const hash = parsePasswordHash(encoded ?? DECOY);
  if (!hash) return false;
  const key = await derive(password, hash, hash.key.length);
  return timingSafeEqual(key, hash.key) && encoded !== undefined;
}
