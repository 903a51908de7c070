// `classpulse run` with metrics.enabled, replaying the bundled clip like a camera into a real
// mosquitto: /metrics answers on loopback while it runs, and the frame, latency and MQTT figures
// move between two scrapes; the endpoint closes with the daemon.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, collect, ROOT, runCli, startCli, waitForLine } from '../helpers/cli.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../integration/publish/support.js';

const DEMO = join(ROOT, 'config/demo.yaml');

/** One sample's value from the text format, by its series (name{labels}). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in the scrape`);
  return Number(line.slice(series.length + 1));
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

describe('classpulse run with metrics', () => {
  let broker: Mosquitto;
  const state = tempDir('metrics-');

  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker?.stop();
    state.remove();
  });

  it('serves /metrics whose frame, latency and MQTT figures move while the clip plays', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const child = startCli(
      ['run', '--config', DEMO],
      cleanEnv({
        CLASSPULSE_DEVICE_ID: 'box-metrics',
        CLASSPULSE_DEVICE_ROOM: 'lab',
        CLASSPULSE_DEVICE_STATE_DIR: state.dir,
        CLASSPULSE_MQTT_URL: broker.url,
        CLASSPULSE_MQTT_CLASS_INTERVAL_S: '1',
        CLASSPULSE_METRICS_ENABLED: 'true',
        CLASSPULSE_METRICS_PORT: String(port),
      }),
    );
    const done = collect(child);
    try {
      await waitForLine(child, /metrics endpoint listening/, 60_000);
      // The endpoint listens before the models load: wait for the first frames through, then two
      // scrapes 2 s apart while the clip plays in real time.
      const started = (t: string) => /^classpulse_frames_processed_total ([5-9]|\d{2,})/m.test(t);
      let first = await scrape(url);
      for (let i = 0; i < 120 && !started(first); i++) {
        await new Promise((r) => setTimeout(r, 500));
        first = await scrape(url);
      }
      await new Promise((r) => setTimeout(r, 2000));
      const second = await scrape(url);

      const processed = (t: string) => sample(t, 'classpulse_frames_processed_total');
      expect(processed(first)).toBeGreaterThanOrEqual(5);
      expect(processed(second)).toBeGreaterThan(processed(first));
      const latencyCount = (t: string) =>
        sample(t, 'classpulse_stage_latency_seconds_count{stage="total"}');
      expect(latencyCount(second)).toBe(processed(second));
      expect(
        sample(second, 'classpulse_stage_latency_seconds_sum{stage="detect"}'),
      ).toBeGreaterThan(0);
      expect(sample(second, 'classpulse_faces_tracked')).toBe(1);
      expect(sample(second, 'classpulse_camera_open')).toBe(1);
      expect(sample(second, 'classpulse_mqtt_connected')).toBe(1);
      expect(sample(second, 'classpulse_mqtt_messages_sent_total')).toBeGreaterThan(
        sample(first, 'classpulse_mqtt_messages_sent_total'),
      );
      expect(sample(second, 'classpulse_mqtt_reconnects_total')).toBe(0);
      expect(sample(second, 'classpulse_inference_workers')).toBeGreaterThan(0);
      expect(sample(second, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
      expect(sample(second, 'process_resident_memory_bytes')).toBeGreaterThan(50e6);
    } finally {
      child.kill('SIGTERM');
    }
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  }, 120_000);

  it('exits 78 naming the address when the metrics port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await runCli(
        ['run', '--config', DEMO],
        cleanEnv({
          CLASSPULSE_DEVICE_STATE_DIR: state.dir,
          CLASSPULSE_MQTT_URL: broker.url,
          CLASSPULSE_METRICS_ENABLED: 'true',
          CLASSPULSE_METRICS_PORT: String(port),
        }),
      );
      expect(result.code, result.stderr).toBe(78);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  }, 60_000);
});
