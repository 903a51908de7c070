// Home Assistant MQTT discovery (opt-in, mqtt.homeAssistant.enabled): one retained config per
// class-level entity, so a school that already runs Home Assistant sees each room with no hub.
// The entities read the daemon's own class and status topics through value templates; nothing
// new is published for them, and no entity is ever made per student. Format: Home Assistant's
// single-component discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery).
import type { Config } from '../config/schema.js';
import type { TopicMap } from './topics.js';

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

export interface HomeAssistantOptions {
  device: Pick<Config['device'], 'id' | 'room'>;
  discoveryPrefix: string;
  topics: TopicMap;
  /** classpulse's version (device sw_version, origin sw_version). */
  version: string;
  /** mqtt.classIntervalS: class sensors expire when three summaries in a row are missing. */
  classIntervalS: number;
}

interface Entity {
  component: 'sensor' | 'binary_sensor';
  objectId: string;
  name: string;
  topic: 'class' | 'status';
  valueTemplate: string;
  extra: Record<string, unknown>;
}

/** A count of students on the class topic: a measurement, so Home Assistant keeps statistics. */
const countOf = (objectId: string, name: string, field: string, icon: string): Entity => ({
  component: 'sensor',
  objectId,
  name,
  topic: 'class',
  valueTemplate: `{{ value_json.${field} }}`,
  extra: { unit_of_measurement: 'students', state_class: 'measurement', icon },
});

const ENTITIES: readonly Entity[] = [
  countOf('students_present', 'Students present', 'faces', 'mdi:account-group'),
  {
    component: 'sensor',
    objectId: 'attention',
    name: 'Attention',
    topic: 'class',
    valueTemplate: '{{ (value_json.attentiveShare * 100) | round(0) }}',
    extra: { unit_of_measurement: '%', state_class: 'measurement', icon: 'mdi:eye-check' },
  },
  countOf('tired', 'Tired students', 'tired', 'mdi:sleep'),
  countOf('looking_around', 'Students looking around', 'lookingAround', 'mdi:eye-refresh'),
  {
    component: 'binary_sensor',
    objectId: 'camera',
    name: 'Camera',
    topic: 'status',
    valueTemplate: "{{ 'ON' if value_json.camera == 'open' else 'OFF' }}",
    extra: { payload_on: 'ON', payload_off: 'OFF', device_class: 'running', icon: 'mdi:cctv' },
  },
];

/** The discovery configs of one box, in a fixed order (topic + JSON object each). */
export function discoveryMessages(options: HomeAssistantOptions): DiscoveryMessage[] {
  const { device, topics, version, discoveryPrefix } = options;
  const node = `classpulse_${device.id.replace(/-/g, '_')}`;
  const deviceBlock = {
    identifiers: [node],
    name: `classpulse ${device.room}`,
    manufacturer: 'classpulse',
    model: 'Classroom camera box',
    sw_version: version,
    suggested_area: device.room,
  };
  const availability = [
    {
      topic: topics.status,
      value_template: '{{ value_json.state }}',
      payload_available: 'online',
      payload_not_available: 'offline',
    },
  ];
  return ENTITIES.map((entity) => ({
    topic: topics.homeAssistantConfig(
      discoveryPrefix,
      device.id,
      entity.component,
      entity.objectId,
    ),
    payload: {
      name: entity.name,
      unique_id: `${node}_${entity.objectId}`,
      default_entity_id: `${entity.component}.${node}_${entity.objectId}`,
      state_topic: entity.topic === 'class' ? topics.classSummary : topics.status,
      value_template: entity.valueTemplate,
      ...entity.extra,
      // Class summaries stop while the camera is off: the sensors go unavailable, not stale.
      ...(entity.topic === 'class' ? { expire_after: options.classIntervalS * 3 } : {}),
      availability,
      device: deviceBlock,
      origin: { name: 'classpulse', sw_version: version },
    },
  }));
}
