// The hub's Prometheus metrics (metrics.enabled) against a real broker: the endpoint serves the
// hub's own counters, which move with what the boxes publish and the dashboards receive, next to
// Node's process metrics; off by default.
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxMessages } from '../../helpers/box-messages.js';
import { TestHub } from '../../helpers/hub.js';
import { freePort, Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../publish/support.js';

/** The value of one series in Prometheus' text format (labels as written, e.g. `{result="accepted"}`). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('hub metrics', () => {
  let broker: Mosquitto;
  let box: MqttClient;
  let hub: TestHub;
  const lab = new BoxMessages('lab', 'box-1');

  beforeAll(async () => {
    broker = await Mosquitto.start();
    box = connect(broker.url, { clientId: 'fake-box', protocolVersion: 5 });
    await new Promise((resolve) => box.once('connect', resolve));
    hub = await TestHub.start({ brokerUrl: broker.url, metricsPort: await freePort() });
  });
  afterAll(async () => {
    await hub?.stop();
    await box?.endAsync();
    await broker?.stop();
  });

  const scrape = async () => {
    const url = hub.hub.metricsUrl;
    if (!url) throw new Error('no metrics endpoint');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('counts accepted and refused messages, and shows the broker link and rooms', async () => {
    const before = await scrape();
    expect(sample(before, 'classpulse_hub_mqtt_connected')).toBe(1);
    const accepted = sample(before, 'classpulse_hub_messages_total{result="accepted"}') ?? 0;
    await box.publishAsync(lab.topic('status'), JSON.stringify(lab.status('open')), { qos: 1 });
    await box.publishAsync(lab.topic('class'), JSON.stringify(lab.classSummary(0.8)), { qos: 1 });
    await box.publishAsync(lab.topic('class'), 'not json', { qos: 1 });
    await waitFor('messages ingested', () => hub.hub.ingest.stats.refused >= 1);
    const after = await scrape();
    expect(sample(after, 'classpulse_hub_messages_total{result="accepted"}')).toBe(accepted + 2);
    expect(sample(after, 'classpulse_hub_messages_total{result="refused"}')).toBe(1);
    // One hub without a shared group stores every class summary.
    expect(sample(after, 'classpulse_hub_history_messages_total')).toBe(1);
    expect(sample(after, 'classpulse_hub_rooms')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'classpulse_hub_sse_streams')).toBe(0);
    // Node's process metrics come with it (event-loop delay, memory).
    expect(after).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    expect(after).toMatch(/^process_resident_memory_bytes /m);
  });

  it('is not served when metrics.enabled is off (the default)', async () => {
    const plain = await TestHub.start({ brokerUrl: broker.url });
    try {
      expect(plain.hub.metricsUrl).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
