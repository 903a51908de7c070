// Home Assistant discovery on a real mosquitto that runs the generated ACL with --home-assistant:
// with mqtt.homeAssistant.enabled the box publishes its retained discovery configs and the
// "homeassistant" user (who may read only those and the class-level topics they name) gets them,
// also when it subscribes later; with the default config nothing appears under the prefix.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAcl, HA_USER } from '../../../src/publish/broker-acl.js';
import type { MqttPublisher } from '../../../src/publish/mqtt-publisher.js';
import { type Credentials, Mosquitto } from '../../helpers/mosquitto.js';
import { deviceEnv, Recorder, tempDir, testConfig, testPublisher, waitFor } from './support.js';

const HA: Credentials = { username: HA_USER, password: 'ha-pass-1' };
const ON: Credentials = { username: 'box-on', password: 'on-pass-1' };
const OFF: Credentials = { username: 'box-off', password: 'off-pass-1' };
const ADMIN: Credentials = { username: 'classpulse-admin', password: 'admin-pass-1' };

describe('Home Assistant discovery on mosquitto', () => {
  const state = tempDir('ha');
  let broker: Mosquitto;
  const publishers: MqttPublisher[] = [];
  const recorders: Recorder[] = [];

  function box(creds: Credentials, extra: Record<string, string> = {}): MqttPublisher {
    const publisher = testPublisher(
      testConfig(
        deviceEnv(broker.url, join(state.dir, creds.username), {
          CLASSPULSE_DEVICE_ID: creds.username,
          CLASSPULSE_DEVICE_ROOM: `room-${creds.username}`,
          CLASSPULSE_MQTT_USERNAME: creds.username,
          CLASSPULSE_MQTT_PASSWORD: creds.password,
          ...extra,
        }),
      ),
    );
    publishers.push(publisher);
    return publisher;
  }

  async function recorder(filter: string, id: string, creds: Credentials): Promise<Recorder> {
    const r = await Recorder.connect(broker.url, filter, id, { ...creds });
    recorders.push(r);
    return r;
  }

  beforeAll(async () => {
    broker = await Mosquitto.start({
      users: [HA, ON, OFF, ADMIN],
      acl: generateAcl({
        boxes: [
          { room: 'room-box-on', device: 'box-on' },
          { room: 'room-box-off', device: 'box-off' },
        ],
        hub: 'classpulse-hub',
        admin: ADMIN.username,
        homeAssistant: 'homeassistant',
      }),
      maxQueuedMessages: 1000,
    });
  });
  afterAll(async () => {
    for (const p of publishers) await p.stop('test done');
    for (const r of recorders) await r.close();
    await broker?.stop();
    state.remove();
  });

  it('publishes retained configs when enabled; Home Assistant reads them and the status', async () => {
    const on = box(ON, { CLASSPULSE_MQTT_HOME_ASSISTANT_ENABLED: 'true' });
    await on.start();
    await waitFor('box-on connected', () => on.stats().connected);
    // Subscribing after the box published: only the retained copies can arrive.
    const ha = await recorder('homeassistant/#', 'ha-late', HA);
    await waitFor('five discovery configs', () => ha.messages.length >= 5, 10_000);
    const configs = ha.messages.filter((m) => m.topic.endsWith('/config'));
    expect(configs.map((m) => m.topic).sort()).toEqual([
      'homeassistant/binary_sensor/box-on/camera/config',
      'homeassistant/sensor/box-on/attention/config',
      'homeassistant/sensor/box-on/looking_around/config',
      'homeassistant/sensor/box-on/students_present/config',
      'homeassistant/sensor/box-on/tired/config',
    ]);
    expect(configs.every((m) => m.retain)).toBe(true);
    const camera = JSON.parse(
      configs.find((m) => m.topic.includes('/camera/'))?.payload.toString() ?? '{}',
    ) as { state_topic: string; availability: Array<{ topic: string }> };
    expect(camera.state_topic).toBe('classpulse/room-box-on/box-on/status');
    // Home Assistant's user may read the topic its entities name (retained status arrives).
    const status = await recorder(camera.state_topic, 'ha-status', HA);
    await waitFor('retained status for Home Assistant', () => status.messages.length > 0, 10_000);
    expect(JSON.parse(status.messages[0]?.payload.toString() ?? '{}')).toMatchObject({
      state: 'online',
    });
  });

  it('publishes nothing under the prefix with the default config', async () => {
    const off = box(OFF);
    // The admin sees everything the broker holds: box-off's status arrives, no discovery config.
    const admin = await recorder('#', 'admin-all', ADMIN);
    await off.start();
    await waitFor('box-off status', () =>
      admin.messages.some((m) => m.topic === 'classpulse/room-box-off/box-off/status'),
    );
    // QoS1 configs would be sent right after the birth status on the same connection.
    await off.stop('checked');
    await waitFor('box-off offline status', () =>
      admin.messages.some(
        (m) => m.topic.endsWith('box-off/status') && m.payload.toString().includes('"offline"'),
      ),
    );
    const underPrefix = admin.messages.filter((m) => m.topic.startsWith('homeassistant/'));
    expect(underPrefix.every((m) => m.topic.includes('/box-on/'))).toBe(true);
    expect(underPrefix.length).toBe(5);
  });
});
