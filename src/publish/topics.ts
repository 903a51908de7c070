// The topic map: every topic the publisher uses, derived from mqtt.baseTopic. Nothing else in
// src/publish builds topic strings, so docs/mqtt.md and docs/asyncapi.yaml have one source.

/** Command names accepted on cmd/<name>. */
export const COMMAND_NAMES = ['start', 'stop', 'reset', 'reload', 'snapshot', 'status'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Replies to requests whose name is not a plain word go here, never to a topic built from junk. */
const INVALID_COMMAND_NAME = '_invalid';

const COMMAND_NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** mqtt.baseTopic when the config leaves it empty. */
export function defaultBaseTopic(room: string, deviceId: string): string {
  return `classpulse/${room}/${deviceId}`;
}

export class TopicMap {
  readonly base: string;

  constructor(options: { baseTopic: string }) {
    this.base = options.baseTopic;
  }

  get status(): string {
    return `${this.base}/status`;
  }

  get health(): string {
    return `${this.base}/health`;
  }

  get alerts(): string {
    return `${this.base}/alerts`;
  }

  get classSummary(): string {
    return `${this.base}/class`;
  }

  /** Subscription filter for incoming commands (one level: replies under cmd/x/reply do not match). */
  get commandFilter(): string {
    return `${this.base}/cmd/+`;
  }

  /** Every student topic (a filter, for broker ACLs). */
  get studentFilter(): string {
    return `${this.base}/students/+`;
  }

  /** Every command reply topic (a filter, for broker ACLs). */
  get replyFilter(): string {
    return `${this.base}/cmd/+/reply`;
  }

  /**
   * A Home Assistant discovery config topic, `<prefix>/<component>/<node_id>/<object_id>/config`
   * (docs/home-assistant.md); the node id is the device id, so one filter covers a box's configs.
   */
  homeAssistantConfig(prefix: string, deviceId: string, component: string, objectId: string) {
    return `${prefix}/${component}/${deviceId}/${objectId}/config`;
  }

  /** Every discovery config topic of one box (a filter, for broker ACLs). */
  homeAssistantFilter(prefix: string, deviceId: string): string {
    return `${prefix}/+/${deviceId}/+/config`;
  }

  student(id: string): string {
    return `${this.base}/students/${topicLevel(id)}`;
  }

  /** The command name of a topic under cmd/, or undefined when the topic is not a command. */
  commandName(topic: string): string | undefined {
    const prefix = `${this.base}/cmd/`;
    if (!topic.startsWith(prefix)) return undefined;
    const name = topic.slice(prefix.length);
    return name.includes('/') ? undefined : name;
  }

  commandReply(name: string): string {
    const safe = COMMAND_NAME_PATTERN.test(name) ? name : INVALID_COMMAND_NAME;
    return `${this.base}/cmd/${safe}/reply`;
  }
}

/** A topic a requester may name as an MQTT 5 response topic: no wildcards, no $SYS, bounded. */
export function isValidResponseTopic(topic: string): boolean {
  return (
    topic.length > 0 &&
    topic.length <= 256 &&
    !topic.startsWith('$') &&
    !/[+#]/.test(topic) &&
    !topic.includes('\u0000')
  );
}

/** Track and student ids become one topic level: anything but [A-Za-z0-9_.-] turns into '_'. */
export function topicLevel(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64);
  return safe.length > 0 ? safe : '_';
}
