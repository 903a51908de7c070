// Two hubs on one MQTT 5 shared subscription (mqtt.sharedGroup) against a real mosquitto, sharing
// one SQLite file: every class summary and alert stored exactly once, both hubs storing a share,
// and both hubs' live view showing every room. (A hub killed mid-stream:
// test/process/hub-shared-kill.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAcl } from '../../../src/publish/broker-acl.js';
import { BoxMessages } from '../../helpers/box-messages.js';
import { TestHub } from '../../helpers/hub.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../publish/support.js';

const ROOMS = ['lab', 'music', 'art', 'gym'];
const CLASS_PER_ROOM = 60;
const ALERTS_PER_ROOM = 15;
const HISTORY_TOTAL = ROOMS.length * (CLASS_PER_ROOM + ALERTS_PER_ROOM);

describe('two hubs sharing the history through a shared subscription', () => {
  let broker: Mosquitto;
  let box: MqttClient;
  let hubs: TestHub[] = [];
  let dir: string;
  let historyFile: string;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), 'classpulse-shared-'));
    historyFile = join(dir, 'history.sqlite');
    hubs = await Promise.all(
      [1, 2].map(() =>
        TestHub.start({ brokerUrl: broker.url, sharedGroup: 'school-hubs', historyFile }),
      ),
    );
    box = connect(broker.url, { clientId: 'fake-boxes', protocolVersion: 5 });
    await new Promise((resolve) => box.once('connect', resolve));
  });
  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    await box?.endAsync();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes the live view plainly and the history through $share, on two connections', () => {
    expect(hubs[0]?.hub.ingest.links().map((l) => [l.name, l.filters, l.sessionExpiryS])).toEqual([
      ['main', ['classpulse/+/+/#'], 3600],
      [
        'history',
        ['$share/school-hubs/classpulse/+/+/class', '$share/school-hubs/classpulse/+/+/alerts'],
        0,
      ],
    ]);
  });

  it('stores every class summary and alert exactly once, split between the hubs', async () => {
    const boxes = ROOMS.map((room) => new BoxMessages(room, `box-${room}`));
    const sent: string[] = [];
    // Interleaved across rooms, as a school's boxes publish; every message QoS 1 with its seq.
    for (let i = 0; i < CLASS_PER_ROOM; i++)
      for (const messages of boxes) {
        const summary = messages.classSummary(i / CLASS_PER_ROOM);
        sent.push(`${messages.device}/${summary.seq}`);
        await box.publishAsync(messages.topic('class'), JSON.stringify(summary), { qos: 1 });
        if (i % 4 === 0) {
          const alert = messages.alert('tired', 'anon-1', 'PERCLOS 0.21');
          sent.push(`${messages.device}/${alert.seq}`);
          await box.publishAsync(messages.topic('alerts'), JSON.stringify(alert), { qos: 1 });
        }
      }
    expect(sent).toHaveLength(HISTORY_TOTAL);
    const handled = () => hubs.reduce((sum, hub) => sum + hub.hub.ingest.stats.forHistory, 0);
    await waitFor('every message handed to a history', () => handled() >= HISTORY_TOTAL);
    // A moment for a copy handed twice (it would show as a sum above the total).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled()).toBe(HISTORY_TOTAL);
    const shares = hubs.map((hub) => hub.hub.ingest.stats.forHistory);
    expect(Math.min(...shares)).toBeGreaterThan(0);
    // No write failed on the other hub's lock (SQLITE_BUSY would be logged as an error).
    for (const hub of hubs) expect(hub.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);

    const db = new Database(historyFile, { readonly: true });
    const rows = db
      .prepare(
        `SELECT device || '/' || seq AS key FROM class_summaries
         UNION ALL SELECT device || '/' || seq FROM alerts`,
      )
      .all() as Array<{ key: string }>;
    db.close();
    expect(rows.map((r) => r.key).sort()).toEqual([...sent].sort());
    // Either hub's lesson report reads the whole history.
    const now = Date.now();
    for (const hub of hubs)
      expect(hub.hub.history.attention('gym', now - 600_000, now + 1000)).toHaveLength(
        CLASS_PER_ROOM,
      );
    console.info(
      `history shares of two hubs over ${HISTORY_TOTAL} messages: ${shares.join(' / ')}`,
    );
  });

  it('shows every room live on both hubs', async () => {
    for (const [index, hub] of hubs.entries())
      await waitFor(`hub ${index + 1} live view`, () =>
        ROOMS.every((room) => hub.hub.store.view(room)?.attention.length === CLASS_PER_ROOM),
      );
    for (const hub of hubs) {
      for (const room of ROOMS)
        expect(hub.hub.store.view(room)?.alerts).toHaveLength(ALERTS_PER_ROOM);
      // Each live copy counted once: the history copies are not "accepted" a second time.
      expect(hub.hub.ingest.stats.accepted).toBe(HISTORY_TOTAL);
    }
  });
});

describe('a shared group under the ACL of `classpulse broker-acl`', () => {
  it('is granted to the hub user and delivers the boxes’ class summaries', async () => {
    const hubUser = { username: 'classpulse-hub', password: 'hub-secret' };
    const boxUser = { username: 'box-1', password: 'box-secret' };
    const broker = await Mosquitto.start({
      users: [hubUser, boxUser],
      acl: generateAcl({
        boxes: [{ room: 'lab', device: 'box-1' }],
        hub: hubUser.username,
        admin: 'classpulse-admin',
      }),
      maxQueuedMessages: 1000,
    });
    // start() resolves only once both connections' subscriptions were granted.
    const hub = await TestHub.start({
      brokerUrl: broker.url,
      sharedGroup: 'school-hubs',
      credentials: hubUser,
    });
    const box = connect(broker.url, { ...boxUser, clientId: 'box-1', protocolVersion: 5 });
    try {
      await new Promise((resolve) => box.once('connect', resolve));
      const lab = new BoxMessages('lab', 'box-1');
      await box.publishAsync(lab.topic('class'), JSON.stringify(lab.classSummary(0.8)), {
        qos: 1,
      });
      await waitFor('stored under the ACL', () => hub.hub.ingest.stats.forHistory === 1);
      // No refused subscription (or any other error) was logged.
      expect(hub.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
    } finally {
      await box.endAsync();
      await hub.stop();
      await broker.stop();
    }
  });
});
