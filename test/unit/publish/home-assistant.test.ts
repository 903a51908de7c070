// Home Assistant discovery configs against a JSON schema written from Home Assistant's documented
// discovery format (test/fixtures/home-assistant), the topics it reads, and the broker ACL that
// must let a box publish them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { boxGrants, generateAcl, HA_USER } from '../../../src/publish/broker-acl.js';
import { discoveryMessages } from '../../../src/publish/home-assistant.js';
import { defaultBaseTopic, TopicMap } from '../../../src/publish/topics.js';
import { topicMatches } from '../../helpers/topic-match.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const readJson = (path: string) =>
  JSON.parse(readFileSync(resolve(ROOT, path), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ strict: true, allErrors: true }).compile(
  readJson('test/fixtures/home-assistant/discovery-config.schema.json'),
);
/** Each state topic's payload schema: the templates may only read fields it has. */
const SCHEMAS: Record<string, Record<string, unknown>> = {
  class: readJson('docs/schemas/class.json'),
  status: readJson('docs/schemas/status.json'),
};

const topics = new TopicMap({ baseTopic: defaultBaseTopic('room-101', 'box-101') });
const messages = discoveryMessages({
  device: { id: 'box-101', room: 'room-101' },
  discoveryPrefix: 'homeassistant',
  topics,
  version: '0.1.0',
  classIntervalS: 10,
});

describe('Home Assistant discovery', () => {
  it('is off by default, with the documented default prefix', () => {
    const { config } = loadConfig({ file: '/dev/null', env: {} });
    expect(config.mqtt.homeAssistant).toEqual({ enabled: false, discoveryPrefix: 'homeassistant' });
  });

  it('makes class-level entities only, each config valid in the documented format', () => {
    expect(messages.map((m) => m.topic)).toEqual([
      'homeassistant/sensor/box-101/students_present/config',
      'homeassistant/sensor/box-101/attention/config',
      'homeassistant/sensor/box-101/tired/config',
      'homeassistant/sensor/box-101/looking_around/config',
      'homeassistant/binary_sensor/box-101/camera/config',
    ]);
    for (const { topic, payload } of messages) {
      expect(validate(payload), `${topic}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // <prefix>/<component>/<node_id>/<object_id>/config with ids of [a-zA-Z0-9_-].
      const [, component, node, object] = /^homeassistant\/(\w+)\/([\w-]+)\/([\w-]+)\/config$/.exec(
        topic,
      ) ?? [''];
      expect(node).toBe('box-101');
      expect(String(payload.default_entity_id)).toBe(`${component}.classpulse_box_101_${object}`);
      expect(String(payload.state_topic)).not.toMatch(/students/);
    }
    const ids = messages.map((m) => m.payload.unique_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads only fields the state topics carry, and the status topic for availability', () => {
    for (const { payload } of messages) {
      const kind = payload.state_topic === topics.classSummary ? 'class' : 'status';
      expect(payload.state_topic).toBe(kind === 'class' ? topics.classSummary : topics.status);
      const properties = SCHEMAS[kind]?.properties as Record<string, { enum?: string[] }>;
      const fields = [...String(payload.value_template).matchAll(/value_json\.(\w+)/g)].map(
        (m) => m[1] ?? '',
      );
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) expect(Object.keys(properties)).toContain(field);
      // A compared string is one the schema allows ('open' for the camera).
      for (const [, field, value] of String(payload.value_template).matchAll(
        /value_json\.(\w+) == '(\w+)'/g,
      ))
        expect(properties[field ?? '']?.enum).toContain(value);
      expect(payload.availability).toEqual([
        {
          topic: topics.status,
          value_template: '{{ value_json.state }}',
          payload_available: 'online',
          payload_not_available: 'offline',
        },
      ]);
    }
    const statusProps = SCHEMAS.status?.properties as Record<string, { enum?: string[] }>;
    expect(statusProps.state?.enum).toEqual(['online', 'offline']);
  });

  it('groups the entities under one device named after the room', () => {
    const devices = messages.map((m) => JSON.stringify(m.payload.device));
    expect(new Set(devices).size).toBe(1);
    expect(messages[0]?.payload.device).toMatchObject({
      identifiers: ['classpulse_box_101'],
      suggested_area: 'room-101',
      sw_version: '0.1.0',
    });
  });

  it('is what the broker ACL lets the box publish, and Home Assistant read', () => {
    const box = { room: 'room-101', device: 'box-101' };
    const grants = boxGrants(box, 'homeassistant');
    for (const { topic } of messages)
      expect(grants.write.some((g) => topicMatches(g, topic))).toBe(true);
    const other = boxGrants({ room: 'room-102', device: 'box-102' }, 'homeassistant');
    for (const { topic } of messages)
      expect(other.write.some((g) => topicMatches(g, topic))).toBe(false);
    expect(boxGrants(box).write.some((g) => g.startsWith('homeassistant/'))).toBe(false);

    const acl = generateAcl({
      boxes: [box],
      hub: 'classpulse-hub',
      admin: 'classpulse-admin',
      homeAssistant: 'homeassistant',
    });
    const block = acl.split(`user ${HA_USER}\n`)[1]?.split('\n\n')[0] ?? '';
    expect(block.split('\n')).toEqual([
      'topic read homeassistant/#',
      'topic write homeassistant/status',
      `topic read ${topics.status}`,
      `topic read ${topics.classSummary}`,
    ]);
    expect(acl).not.toContain(`user ${HA_USER}\ntopic read classpulse`);
  });
});
