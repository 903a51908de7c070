import { describe, expect, it } from 'vitest';
import type { HubMessage, MessageKind } from '../../../src/hub/hub-message.js';
import { RoomStore } from '../../../src/hub/room-store.js';
import { BoxMessages } from '../../helpers/box-messages.js';

const box = new BoxMessages('lab', 'box-1');
const msg = (kind: MessageKind, payload: object, device = 'box-1'): HubMessage => ({
  room: 'lab',
  device,
  kind,
  receivedMs: 1000,
  payload: payload as Record<string, unknown>,
});

describe('RoomStore', () => {
  it('starts a lesson when a camera opens and keeps its class summaries', () => {
    const store = new RoomStore();
    store.apply(msg('class', box.classSummary(0.2, 50)));
    store.apply(msg('status', box.status('open', 100)));
    store.apply(msg('class', box.classSummary(0.7, 110)));
    store.apply(msg('status', box.status('open', 120))); // still open: same lesson
    store.apply(msg('class', box.classSummary(0.9, 130)));
    const view = store.view('lab');
    expect(view?.lessonStartMs).toBe(100);
    expect(view?.attention.map((p) => p.attentiveShare)).toEqual([0.7, 0.9]);
    expect(store.summary('lab')).toMatchObject({ attentiveShare: 0.9, students: 0 });
  });

  it('orders a student by seq, drops duplicates and late ones, and forgets an absent one', () => {
    const store = new RoomStore();
    store.apply(msg('status', box.status('open')));
    const first = box.student('anon-1', { tired: true });
    const second = box.student('anon-1', { tired: false, lookingAround: true });
    store.apply(msg('student', second));
    store.apply(msg('student', first)); // late
    store.apply(msg('student', second)); // duplicate
    expect(store.view('lab')?.students).toMatchObject([
      { student: 'anon-1', tired: false, lookingAround: true, seq: second.seq },
    ]);
    store.apply(msg('student', box.student('anon-1', { present: false })));
    expect(store.view('lab')?.students).toEqual([]);
  });

  it('clears a box’s students when its camera closes or it goes offline, not another box’s', () => {
    const store = new RoomStore();
    const other = new BoxMessages('lab', 'box-2');
    store.apply(msg('status', box.status('open')));
    store.apply(msg('status', other.status('open'), 'box-2'));
    store.apply(msg('student', box.student('anon-1')));
    store.apply(msg('student', other.student('anon-1'), 'box-2'));
    store.apply(msg('status', box.status('stopped')));
    expect(store.view('lab')?.students.map((s) => `${s.device}/${s.student}`)).toEqual([
      'box-2/anon-1',
    ]);
    store.apply(
      msg('status', { v: 1, device: 'box-2', tMs: 5, state: 'offline', camera: 'open' }, 'box-2'),
    );
    expect(store.view('lab')?.students).toEqual([]);
    expect(store.summary('lab')?.devices).toEqual([
      { device: 'box-1', state: 'online', camera: 'stopped' },
      { device: 'box-2', state: 'offline', camera: 'open' },
    ]);
  });

  it('keeps the newest 50 alerts, newest first, and health per device', () => {
    const store = new RoomStore();
    store.apply(msg('status', box.status('open')));
    store.apply(msg('health', { v: 1, device: 'box-1', tMs: 7, health: { fps: 9.8 } }));
    for (let i = 0; i < 60; i++) store.apply(msg('alert', box.alert('tired', `s${i}`, 'PERCLOS')));
    const view = store.view('lab');
    expect(view?.alerts).toHaveLength(50);
    expect(view?.alerts[0]?.student).toBe('s59');
    expect(view?.devices[0]?.health).toEqual({ fps: 9.8 });
    expect(store.view('nowhere')).toBeUndefined();
    expect(store.roomNames()).toEqual(['lab']);
  });
});
