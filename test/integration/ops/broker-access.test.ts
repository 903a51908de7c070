// The doctor's broker access row against real mosquitto brokers: an open one, one with passwords
// but no ACL, one that still takes anonymous clients beside the passwords, and one running the
// ACL `classpulse broker-acl` generates. Warnings only: the broker row stays ok throughout.
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { checkBroker } from '../../../src/ops/doctor/broker-check.js';
import { generateAcl } from '../../../src/publish/broker-acl.js';
import { Mosquitto } from '../../helpers/mosquitto.js';

const BOX = { username: 'box-1', password: 'box-pass-1' };
const HUB = { username: 'classpulse-hub', password: 'hub-pass-1' };
const ADMIN = { username: 'classpulse-admin', password: 'admin-pass-1' };
const ACL = generateAcl({
  boxes: [{ room: 'room-1', device: 'box-1' }],
  hub: HUB.username,
  admin: ADMIN.username,
});

async function doctorRows(url: string, credentials?: { username: string; password: string }) {
  const env: NodeJS.ProcessEnv = {
    CLASSPULSE_DEVICE_ID: 'box-1',
    CLASSPULSE_DEVICE_ROOM: 'room-1',
    CLASSPULSE_MQTT_URL: url,
    ...(credentials
      ? {
          CLASSPULSE_MQTT_USERNAME: credentials.username,
          CLASSPULSE_MQTT_PASSWORD: credentials.password,
        }
      : {}),
  };
  const { config } = loadConfig({ file: '/dev/null', env });
  const rows = await checkBroker({ mqtt: config.mqtt, timeoutMs: 5000 });
  expect(rows[0]).toMatchObject({ check: 'broker', status: 'ok' });
  return rows[1];
}

describe('doctor: broker access', () => {
  const brokers: Mosquitto[] = [];
  let open: Mosquitto;
  let passwords: Mosquitto;
  let halfOpen: Mosquitto;
  let locked: Mosquitto;
  beforeAll(async () => {
    open = await Mosquitto.start();
    passwords = await Mosquitto.start({ users: [BOX] });
    halfOpen = await Mosquitto.start({
      users: [BOX],
      allowAnonymous: true,
      acl: ACL,
      maxQueuedMessages: 1000,
    });
    locked = await Mosquitto.start({ users: [BOX, HUB, ADMIN], acl: ACL, maxQueuedMessages: 1000 });
    brokers.push(open, passwords, halfOpen, locked);
  });
  afterAll(async () => {
    for (const b of brokers) await b.stop();
  });

  it('warns on an open broker: anonymous box, and it reads everything', async () => {
    const row = await doctorRows(open.url);
    expect(row?.status).toBe('warn');
    expect(row?.detail).toMatch(/this box connects anonymously/);
    expect(row?.detail).toMatch(/subscribe to '#' and read other topics .*classpulse-doctor\//);
  });

  it("warns when passwords are required but no ACL limits '#'", async () => {
    const row = await doctorRows(passwords.url, BOX);
    expect(row?.status).toBe('warn');
    expect(row?.detail).not.toMatch(/anonymous/);
    expect(row?.detail).toMatch(/subscribe to '#'/);
  });

  it('warns when the broker still takes anonymous clients beside the passwords', async () => {
    const row = await doctorRows(halfOpen.url, BOX);
    expect(row?.status).toBe('warn');
    expect(row?.detail).toMatch(/accepts anonymous connections/);
    expect(row?.detail).not.toMatch(/'#'/);
  });

  it('is ok on a broker running the generated ACL, even with other traffic retained', async () => {
    // A retained command for box-1 (its own: may be read) and another box's retained status (not).
    const hub = await connectAsync(locked.url, { ...HUB, reconnectPeriod: 0 });
    await hub.publishAsync('classpulse/room-1/box-1/cmd/x', 'retained', { qos: 1, retain: true });
    await hub.endAsync();
    const admin = await connectAsync(locked.url, { ...ADMIN, reconnectPeriod: 0 });
    await admin.publishAsync('classpulse/room-9/box-9/status', '{}', { qos: 1, retain: true });
    await admin.endAsync();
    const row = await doctorRows(locked.url, BOX);
    expect(row).toMatchObject({ check: 'broker access', status: 'ok' });
  });
});
