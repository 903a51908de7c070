// Last line of defence before anything leaves the box: a payload is refused when it is too big or
// holds anything that could be an image, an embedding or other binary data. The schemas have no
// such fields; this guard makes a bug elsewhere (a debug field, a stray Float32Array) fail closed.

export interface GuardVerdict {
  ok: boolean;
  /** Why the payload was refused (for the log and the counters); absent when ok. */
  reason?: string;
}

/** Keys that must never appear at any depth. */
const FORBIDDEN_KEY = /embed|descriptor|image|jpe?g|png|pixel|photo|thumbnail|base64/i;
/** Long runs of base64 / base64url / hex: encoded binary, never a human string. */
const ENCODED_RUN = /[A-Za-z0-9+/_-]{120,}={0,2}|(?:[0-9a-fA-F]{2}){64,}/;
/** Control characters other than tab/newline: binary pasted into a string. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;
/** Arrays of numbers longer than this look like vectors (embeddings are 128-D). */
const MAX_NUMBER_ARRAY = 32;
const MAX_DEPTH = 6;
const MAX_STRING_CHARS = 1024;

export class PrivacyGuard {
  private readonly maxPayloadBytes: number;

  constructor(options: { maxPayloadBytes: number }) {
    this.maxPayloadBytes = options.maxPayloadBytes;
  }

  /** Checks the value and its serialisation. `extraBytes` reserves room for fields added later. */
  check(value: unknown, extraBytes = 0): GuardVerdict {
    const content = this.inspect(value, 'payload', 0);
    if (content) return { ok: false, reason: content };
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      return { ok: false, reason: `not serialisable: ${(error as Error).message}` };
    }
    const bytes = Buffer.byteLength(json, 'utf8') + extraBytes;
    if (bytes > this.maxPayloadBytes)
      return { ok: false, reason: `${bytes} bytes exceeds the ${this.maxPayloadBytes} byte bound` };
    return { ok: true };
  }

  /** Checks an already serialised payload (the journal replays strings). */
  checkSerialised(json: string): GuardVerdict {
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.maxPayloadBytes)
      return { ok: false, reason: `${bytes} bytes exceeds the ${this.maxPayloadBytes} byte bound` };
    try {
      return this.check(JSON.parse(json));
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }

  private inspect(value: unknown, path: string, depth: number): string | undefined {
    if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH}`;
    if (value === null || typeof value === 'boolean') return undefined;
    if (typeof value === 'number')
      return Number.isFinite(value) ? undefined : `${path}: not finite`;
    if (typeof value === 'string') return inspectString(value, path);
    if (typeof value !== 'object') return `${path}: ${typeof value} is not JSON data`;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
      return `${path}: binary data (${value.constructor.name})`;
    if (Array.isArray(value)) {
      const numbers = value.filter((item) => typeof item === 'number').length;
      if (numbers > MAX_NUMBER_ARRAY) return `${path}: array of ${numbers} numbers (a vector?)`;
      for (const [index, item] of value.entries()) {
        const problem = this.inspect(item, `${path}[${index}]`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null)
      return `${path}: ${proto?.constructor?.name ?? 'object'} is not plain data`;
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEY.test(key)) return `${path}.${key}: field name suggests image or embedding`;
      const problem = this.inspect(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
}

function inspectString(value: string, path: string): string | undefined {
  if (value.length > MAX_STRING_CHARS) return `${path}: string of ${value.length} characters`;
  if (/^data:/i.test(value) || /;base64,/i.test(value)) return `${path}: data URI`;
  if (CONTROL_CHARS.test(value)) return `${path}: control characters (binary?)`;
  if (ENCODED_RUN.test(value)) return `${path}: looks like base64/hex encoded data`;
  return undefined;
}
