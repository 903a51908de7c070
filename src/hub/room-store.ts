// The live state of every room, folded from accepted messages (pure: no I/O, the clock comes
// with each message). Retained status/health rebuild availability and camera state on start; the
// rest fills in as the boxes publish. Students are keyed by device and id: two boxes in a room
// keep their own anonymous ids.
import type { HubMessage } from './hub-message.js';

const MAX_ALERTS = 50;
/** A 10 s class interval over a long lesson (3 h) fits; older points fall off the front. */
const MAX_ATTENTION_POINTS = 1200;

type Json = Record<string, unknown>;

interface DeviceView {
  device: string;
  state: 'online' | 'offline';
  camera: string;
  reason?: string;
  statusMs: number;
  health?: Json;
  healthMs?: number;
}

interface StudentView {
  device: string;
  student: string;
  tired: boolean;
  lookingAround: boolean;
  turnedAway: boolean;
  expression: string;
  eyesMeasurable: boolean;
  seq: number;
  tMs: number;
}

export interface AlertView {
  device: string;
  alert: string;
  student?: string;
  reason: string;
  seq: number;
  tMs: number;
}

export interface AttentionPoint {
  device: string;
  tMs: number;
  attentiveShare: number;
  faces: number;
  tired: number;
  lookingAround: number;
}

export interface RoomView {
  room: string;
  devices: DeviceView[];
  students: StudentView[];
  alerts: AlertView[];
  /** Class summaries since the current lesson began (a camera opened), oldest first. */
  attention: AttentionPoint[];
  lessonStartMs?: number;
  lastMs: number;
}

/** One line of the rooms overview. */
export interface RoomSummary {
  room: string;
  devices: Array<Pick<DeviceView, 'device' | 'state' | 'camera'>>;
  students: number;
  tired: number;
  lookingAround: number;
  attentiveShare?: number;
  alerts: number;
  lastMs: number;
}

interface Room {
  devices: Map<string, DeviceView>;
  students: Map<string, StudentView>;
  alerts: AlertView[];
  attention: AttentionPoint[];
  lessonStartMs?: number;
  lastMs: number;
}

export class RoomStore {
  private readonly rooms = new Map<string, Room>();

  apply(message: HubMessage): void {
    const room = this.room(message.room);
    room.lastMs = Math.max(room.lastMs, message.receivedMs);
    const p = message.payload;
    switch (message.kind) {
      case 'status':
        this.applyStatus(room, message.device, p);
        break;
      case 'health': {
        const device = room.devices.get(message.device);
        if (device) {
          device.health = p.health as Json;
          device.healthMs = p.tMs as number;
        }
        break;
      }
      case 'student':
        this.applyStudent(room, message.device, p);
        break;
      case 'alert':
        room.alerts.unshift({
          device: message.device,
          alert: p.alert as string,
          ...(typeof p.student === 'string' ? { student: p.student } : {}),
          reason: p.reason as string,
          seq: p.seq as number,
          tMs: p.tMs as number,
        });
        room.alerts.length = Math.min(room.alerts.length, MAX_ALERTS);
        break;
      case 'class':
        room.attention.push(attentionPoint(message.device, p));
        if (room.attention.length > MAX_ATTENTION_POINTS) room.attention.shift();
        break;
      case 'reply':
        break;
    }
  }

  has(room: string): boolean {
    return this.rooms.has(room);
  }

  roomNames(): string[] {
    return [...this.rooms.keys()].sort();
  }

  view(name: string): RoomView | undefined {
    const room = this.rooms.get(name);
    if (!room) return undefined;
    const byKey = (a: StudentView, b: StudentView) =>
      a.device.localeCompare(b.device) ||
      a.student.localeCompare(b.student, 'en', { numeric: true });
    return {
      room: name,
      devices: [...room.devices.values()].map((d) => ({ ...d })),
      students: [...room.students.values()].sort(byKey),
      alerts: [...room.alerts],
      attention: [...room.attention],
      ...(room.lessonStartMs === undefined ? {} : { lessonStartMs: room.lessonStartMs }),
      lastMs: room.lastMs,
    };
  }

  summary(name: string): RoomSummary | undefined {
    const room = this.rooms.get(name);
    if (!room) return undefined;
    const students = [...room.students.values()];
    const latest = room.attention.at(-1);
    return {
      room: name,
      devices: [...room.devices.values()].map(({ device, state, camera }) => ({
        device,
        state,
        camera,
      })),
      students: students.length,
      tired: students.filter((s) => s.tired).length,
      lookingAround: students.filter((s) => s.lookingAround).length,
      ...(latest ? { attentiveShare: latest.attentiveShare } : {}),
      alerts: room.alerts.length,
      lastMs: room.lastMs,
    };
  }

  private room(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) {
      room = { devices: new Map(), students: new Map(), alerts: [], attention: [], lastMs: 0 };
      this.rooms.set(name, room);
    }
    return room;
  }

  private applyStatus(room: Room, device: string, p: Json): void {
    const before = room.devices.get(device);
    const camera = p.camera as string;
    // A lesson begins when a camera opens while no other camera of the room is open.
    const othersOpen = [...room.devices.values()].some(
      (d) => d.device !== device && d.state === 'online' && d.camera === 'open',
    );
    const opening = p.state === 'online' && camera === 'open' && before?.camera !== 'open';
    if (opening && !othersOpen) {
      room.attention = [];
      room.lessonStartMs = p.tMs as number;
    }
    // A box whose camera closed reports no one any more: its tiles would only show stale states.
    if (camera !== 'open' || p.state === 'offline')
      for (const [key, student] of room.students)
        if (student.device === device) room.students.delete(key);
    room.devices.set(device, {
      device,
      state: p.state as 'online' | 'offline',
      camera,
      ...(typeof p.reason === 'string' ? { reason: p.reason } : {}),
      statusMs: p.tMs as number,
      ...(before?.health ? { health: before.health } : {}),
      ...(before?.healthMs ? { healthMs: before.healthMs } : {}),
    });
  }

  private applyStudent(room: Room, device: string, p: Json): void {
    const key = `${device}/${p.student as string}`;
    const before = room.students.get(key);
    // QoS1 may deliver a message twice, and a late one after newer: seq orders a device's messages.
    if (before && (p.seq as number) <= before.seq) return;
    if (p.present === false) {
      room.students.delete(key);
      return;
    }
    room.students.set(key, {
      device,
      student: p.student as string,
      tired: p.tired as boolean,
      lookingAround: p.lookingAround as boolean,
      turnedAway: p.turnedAway as boolean,
      expression: p.expression as string,
      eyesMeasurable: p.eyesMeasurable as boolean,
      seq: p.seq as number,
      tMs: p.tMs as number,
    });
  }
}

function attentionPoint(device: string, p: Json): AttentionPoint {
  return {
    device,
    tMs: p.tMs as number,
    attentiveShare: p.attentiveShare as number,
    faces: p.faces as number,
    tired: p.tired as number,
    lookingAround: p.lookingAround as number,
  };
}
