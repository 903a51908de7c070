// The privacy guard refuses anything that could carry an image, an embedding or binary data, and
// anything over the size bound; ordinary payloads (including a snapshot path) pass.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PayloadBuilder } from '../../../src/publish/payloads.js';
import { PrivacyGuard } from '../../../src/publish/privacy-guard.js';
import { signals } from '../../helpers/signals.js';

const guard = new PrivacyGuard({ maxPayloadBytes: 4096 });
const payloads = new PayloadBuilder({ deviceId: 'box-1' });
const envelope = payloads.envelope(1_764_064_800_000);

describe('PrivacyGuard', () => {
  it('passes the payloads the publisher builds', () => {
    const reply = payloads.reply(0, {
      cmd: 'snapshot',
      id: 'r1',
      ok: true,
      result: { path: '/var/lib/classpulse/snapshots/2026-11-25T10-00-00.123Z-annotated.jpg' },
    });
    expect(guard.check(reply)).toEqual({ ok: true });
    expect(
      guard.check(payloads.health(0, { cpuTempC: 61.5, framesDropped: 3, throttled: false })),
    ).toEqual({ ok: true });
  });

  it('passes student payloads with and without measurable eyes, as the documented schema says', () => {
    const schema = JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, '../../../docs/schemas/student-state.json'),
        'utf8',
      ),
    ) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    const unknownEyes = signals({
      eyesMeasurable: false,
      blinks: null,
      blinkRatePerMin: null,
      perclos: null,
      eyesClosedMs: null,
    });
    for (const s of [signals({ blinks: 3, perclos: 0.04321 }), unknownEyes]) {
      const payload = { ...payloads.student(0, 'anon-1', s, true), seq: 1 };
      expect(guard.check(payload)).toEqual({ ok: true });
      expect({ ok: validate(payload), errors: validate.errors ?? null }).toEqual({
        ok: true,
        errors: null,
      });
    }
    expect(payloads.student(0, 'anon-1', unknownEyes, true)).toMatchObject({
      eyesMeasurable: false,
      blinks: null,
      perclos: null,
    });
  });

  it.each([
    ['a Float32Array', { ...envelope, vector: new Float32Array(128) }, /binary data/],
    ['a Buffer', { ...envelope, blob: Buffer.from('abc') }, /binary data/],
    ['a 128-number array', { ...envelope, v2: Array.from({ length: 128 }, () => 0.1) }, /vector/],
    ['an embedding field', { ...envelope, embedding: [0.1, 0.2] }, /field name/],
    ['a nested image field', { ...envelope, health: { lastImage: 'x' } }, /field name/],
    ['a data URI', { ...envelope, note: 'data:image/jpeg;base64,/9j/4AAQ' }, /data URI/],
    ['a base64 run', { ...envelope, note: 'A'.repeat(200) }, /base64/],
    ['hex bytes', { ...envelope, note: 'ffd8ffe0'.repeat(20) }, /base64\/hex/],
    ['control characters', { ...envelope, note: 'ab\u0000\u0001cd' }, /control/],
    ['a class instance', { ...envelope, when: new Date(0) }, /not plain data/],
    ['NaN', { ...envelope, x: Number.NaN }, /not finite/],
  ])('refuses %s', (_what, payload, reason) => {
    const verdict = guard.check(payload);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toMatch(reason);
  });

  it('refuses payloads over the size bound, counting the room reserved for seq', () => {
    const small = new PrivacyGuard({ maxPayloadBytes: 256 });
    const payload = { ...envelope, reason: 'x y '.repeat(45) };
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    expect(bytes).toBeLessThan(256);
    expect(small.check(payload).ok).toBe(true);
    expect(small.check(payload, 256 - bytes + 1)).toMatchObject({ ok: false });
    expect(small.checkSerialised(JSON.stringify({ ...payload, more: 'z '.repeat(40) })).ok).toBe(
      false,
    );
  });
});
