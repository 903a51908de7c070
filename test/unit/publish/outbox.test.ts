// The outbox: the guard runs before a seq is used (refusals leave no gaps), the seq lands right
// after the envelope, and a closed queue or a failing disk costs the message, not the daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue } from '../../../src/publish/disk-queue.js';
import { Outbox } from '../../../src/publish/outbox.js';
import { PayloadBuilder } from '../../../src/publish/payloads.js';
import { PrivacyGuard } from '../../../src/publish/privacy-guard.js';

const logger = pino({ level: 'silent' });
const payloads = new PayloadBuilder({ deviceId: 'box-1' });
const dirs: string[] = [];

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'classpulse-outbox-'));
  dirs.push(dir);
  const queue = new DiskQueue({ dir, maxMessages: 1000, fsyncMs: 1000, logger });
  queue.open();
  let nudges = 0;
  const outbox = new Outbox({
    queue,
    guard: new PrivacyGuard({ maxPayloadBytes: 512 }),
    logger,
    onQueued: () => {
      nudges += 1;
    },
  });
  return { dir, queue, outbox, nudges: () => nudges };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Outbox', () => {
  it('puts seq after the envelope and uses no seq for a refused payload', () => {
    const { queue, outbox, nudges } = setup();
    expect(outbox.put('alert', 'a', payloads.alert(5, 'tired', 'PERCLOS 0.2', 't1'))).toBe(true);
    expect(outbox.put('alert', 'a', { ...payloads.envelope(6), embedding: [0.1] })).toBe(false);
    expect(outbox.put('alert', 'a', payloads.alert(7, 'tired', 'word '.repeat(30), 't1'))).toBe(
      true,
    );
    expect(outbox.refused).toBe(1);
    expect(nudges()).toBe(2);
    const first = queue.takeNext();
    expect(first?.payload).toBe(
      '{"v":1,"device":"box-1","tMs":5,"seq":1,"alert":"tired","student":"t1","reason":"PERCLOS 0.2"}',
    );
    expect(queue.takeNext()?.seq).toBe(2);
    queue.close();
  });

  it('drops the message, not the daemon, when the queue is closed or the disk fails', () => {
    const { queue, outbox } = setup();
    queue.close();
    expect(outbox.put('state', 's', { ...payloads.envelope(1) })).toBe(false);
    // A disk that fails on write (ENOSPC) is hardware: simulated by a queue whose push throws.
    const failing = new Outbox({
      queue: {
        closed: false,
        push: () => {
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      } as unknown as DiskQueue,
      guard: new PrivacyGuard({ maxPayloadBytes: 512 }),
      logger,
      onQueued: () => undefined,
    });
    expect(failing.put('state', 's', { ...payloads.envelope(1) })).toBe(false);
    expect(failing.journalErrors).toBe(1);
  });
});
