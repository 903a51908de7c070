import { describe, expect, it } from 'vitest';
import { MessageChecker, parseTopic } from '../../../src/hub/hub-message.js';
import { BoxMessages } from '../../helpers/box-messages.js';

describe('hub messages', () => {
  it('reads room, device and kind from the topic; ignores command requests', () => {
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/status')).toEqual({
      room: 'lab',
      device: 'box-1',
      kind: 'status',
    });
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/alerts')?.kind).toBe('alert');
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/students/anon-3')).toMatchObject({
      kind: 'student',
      subject: 'anon-3',
    });
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/cmd/stop/reply')).toMatchObject({
      kind: 'reply',
      subject: 'stop',
    });
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/cmd/stop')).toBeUndefined();
    expect(parseTopic('classpulse', 'classpulse/lab/box-1/other')).toBeUndefined();
    expect(parseTopic('classpulse', 'school/lab/box-1/status')).toBeUndefined();
  });

  it('accepts a valid payload unchanged and refuses a wrong device or student', () => {
    const checker = new MessageChecker({ baseTopic: 'classpulse' });
    const box = new BoxMessages('lab', 'box-1');
    const state = box.student('anon-1');
    const ok = checker.check(box.topic('students/anon-1'), Buffer.from(JSON.stringify(state)), 5);
    expect(ok).toEqual({
      ok: true,
      message: {
        room: 'lab',
        device: 'box-1',
        kind: 'student',
        subject: 'anon-1',
        receivedMs: 5,
        payload: state,
      },
    });
    const wrong = checker.check(
      box.topic('students/anon-2'),
      Buffer.from(JSON.stringify(state)),
      5,
    );
    expect(wrong).toMatchObject({ ok: false, privacy: false });
    const embedding = checker.check(
      box.topic('class'),
      Buffer.from(JSON.stringify({ ...box.classSummary(0.5), faceEmbedding: [0.1] })),
      5,
    );
    expect(embedding).toMatchObject({
      ok: false,
      privacy: true,
      reason: expect.stringMatching(/embedding/),
    });
  });
});
