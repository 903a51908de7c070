// What one MQTT message from a box means to the hub: its room, device and kind from the topic,
// and its payload checked twice — the privacy guard first (nothing image- or embedding-like is
// ever kept or shown, and the log says why), then the published JSON Schema (docs/schemas).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { PACKAGE_ROOT } from '../config/load.js';
import { PrivacyGuard } from '../publish/privacy-guard.js';

const MESSAGE_KINDS = ['status', 'health', 'alert', 'class', 'student', 'reply'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** One accepted message, as the store, the history and the SSE stream see it. */
export interface HubMessage {
  room: string;
  device: string;
  kind: MessageKind;
  /** When the hub received it (ms since the epoch). */
  receivedMs: number;
  /** The box's JSON, unchanged. */
  payload: Record<string, unknown>;
  /** students/<id>: the id; reply: the command name. */
  subject?: string;
}

export interface TopicParts {
  room: string;
  device: string;
  kind: MessageKind;
  subject?: string;
}

const SCHEMA_FILES: Record<MessageKind, string> = {
  status: 'status.json',
  health: 'health.json',
  alert: 'alert.json',
  class: 'class.json',
  student: 'student-state.json',
  reply: 'command-reply.json',
};

const LEVEL = /^[A-Za-z0-9_.-]{1,64}$/;
/** Replies and student states are a few hundred bytes; a status reply a few KiB. */
const MAX_PAYLOAD_BYTES = 16 * 1024;

/**
 * `<base>/<room>/<device>/<rest>` → its parts; undefined for topics the hub does not read
 * (command requests, including its own, and anything else under the base).
 */
export function parseTopic(base: string, topic: string): TopicParts | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const [room, device, ...rest] = topic.slice(base.length + 1).split('/');
  if (!room || !device || !LEVEL.test(room) || !LEVEL.test(device)) return undefined;
  const tail = rest.join('/');
  if (tail === 'status' || tail === 'health' || tail === 'class')
    return { room, device, kind: tail };
  if (tail === 'alerts') return { room, device, kind: 'alert' };
  if (rest.length === 2 && rest[0] === 'students' && LEVEL.test(rest[1] as string))
    return { room, device, kind: 'student', subject: rest[1] as string };
  if (rest.length === 3 && rest[0] === 'cmd' && rest[2] === 'reply')
    return { room, device, kind: 'reply', subject: rest[1] as string };
  return undefined;
}

export type Verdict =
  | { ok: true; message: HubMessage }
  | { ok: false; reason: string; privacy: boolean; parts?: TopicParts };

export class MessageChecker {
  private readonly guard = new PrivacyGuard({ maxPayloadBytes: MAX_PAYLOAD_BYTES });
  private readonly validators = new Map<MessageKind, ValidateFunction>();
  private readonly base: string;

  constructor(options: { baseTopic: string; schemaDir?: string }) {
    this.base = options.baseTopic;
    const dir = options.schemaDir ?? join(PACKAGE_ROOT, 'docs', 'schemas');
    const ajv = new Ajv({ strict: true, allErrors: false });
    for (const kind of MESSAGE_KINDS) {
      const schema = JSON.parse(readFileSync(join(dir, SCHEMA_FILES[kind]), 'utf8')) as object;
      this.validators.set(kind, ajv.compile(schema));
    }
  }

  /** Undefined when the topic is not one the hub reads (ignore quietly). */
  check(topic: string, body: Buffer, receivedMs: number): Verdict | undefined {
    const parts = parseTopic(this.base, topic);
    if (!parts) return undefined;
    const refuse = (reason: string, privacy = false): Verdict => ({
      ok: false,
      reason,
      privacy,
      parts,
    });
    if (body.length > MAX_PAYLOAD_BYTES)
      return refuse(`${body.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`, true);
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse('not JSON');
    }
    const guard = this.guard.check(payload);
    if (!guard.ok) return refuse(guard.reason ?? 'refused by the privacy guard', true);
    const validate = this.validators.get(parts.kind) as ValidateFunction;
    if (!validate(payload)) {
      const error = validate.errors?.[0];
      return refuse(`schema: ${error?.instancePath || '/'} ${error?.message ?? 'invalid'}`);
    }
    const data = payload as Record<string, unknown>;
    if (data.device !== parts.device)
      return refuse(`payload device "${String(data.device)}" is not the topic's "${parts.device}"`);
    if (parts.kind === 'student' && data.student !== parts.subject)
      return refuse(`payload student "${String(data.student)}" is not the topic's`);
    return {
      ok: true,
      message: {
        ...parts,
        receivedMs,
        payload: data,
      },
    };
  }
}
