// A health sample from a real FrameStats and stand-in capture/publisher counters on a fake clock.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log/logger.js';
import { AdaptationLadder } from '../../../src/ops/adaptation-ladder.js';
import { FrameStats } from '../../../src/ops/frame-stats.js';
import { HealthMonitor, healthStatusLine } from '../../../src/ops/health-monitor.js';
import type { CaptureStatsView } from '../../../src/ops/health-types.js';
import { PIPELINE_STAGES } from '../../../src/pipeline/types.js';
import { PayloadBuilder } from '../../../src/publish/payloads.js';
import { PrivacyGuard } from '../../../src/publish/privacy-guard.js';

function rig() {
  const clock = { nowMs: 0 };
  const stats = new FrameStats();
  const capture: CaptureStatsView = {
    state: 'open',
    delivered: 0,
    skippedBudget: 0,
    droppedStale: 0,
    reopens: 1,
    width: 1280,
    height: 720,
  };
  const ladder = new AdaptationLadder({ fps: 10, enabled: true });
  const monitor = new HealthMonitor({
    health: { intervalS: 30 },
    stateDir: tmpdir(),
    logger: silentLogger(),
    now: () => clock.nowMs,
    thermal: {
      temperatureC: async () => 57.4,
      throttle: { raw: '0x50005', now: ['under-voltage', 'throttled'], sinceBoot: [] },
    },
    sources: {
      frames: () => stats,
      capture: () => capture,
      publisher: () => ({ connected: true, queueDepth: 3, droppedState: 0, sent: 120 }),
      adaptation: () => ladder.state(),
      gatedFrames: () => 0,
      models: () => [
        'ssd-mobilenetv1 @vladmandic/face-api@1.7.15 int8 0123abcd',
        'facemesh @vladmandic/human@3.3.6 fp32 89abcdef',
      ],
    },
  });
  return { clock, stats, capture, monitor };
}

describe('HealthMonitor', () => {
  it('reports rates from counter differences between samples', async () => {
    const { clock, stats, capture, monitor } = rig();
    // 30 s: the camera delivers 25 fps, the budget keeps 10, the pipeline processes 9.
    clock.nowMs = 30_000;
    capture.delivered = 300;
    capture.skippedBudget = 450;
    for (let i = 0; i < 270; i++) stats.record({ detect: 20 + (i % 10), total: 60 + (i % 20) }, 4);
    const health = await monitor.sample();
    // Type-level: the payload goes straight into MqttPublisher.publishHealth.
    const payload: Record<string, unknown> = health;
    expect(payload).toBe(health);
    expect(health.frames).toMatchObject({
      inFps: 25,
      processedFps: 9,
      droppedFps: 15,
      processed: 270,
    });
    const total = stats.latency().total;
    expect(health.latencyMs.total).toEqual({ p50: total?.p50Ms, p95: total?.p95Ms });
    expect(health.latencyMs.detect?.p95).toBeGreaterThan(health.latencyMs.detect?.p50 ?? 0);
    expect(health.tracks).toBe(4);
    expect(health.uptimeS).toBe(30);
    expect(health.cpu.tempC).toBe(57.4);
    expect(health.cpu.throttle?.now).toContain('throttled');
    expect(health.adaptation).toMatchObject({ level: 0, step: 'full' });
    expect(health.publish).toMatchObject({ connected: true, queueDepth: 3 });
    expect(health.disk?.freeMb).toBeGreaterThan(0);
    expect(health.memory.rssMb).toBeGreaterThan(0);

    // The next interval sees only what happened since: 10 s with nothing processed.
    clock.nowMs = 40_000;
    const next = await monitor.sample();
    expect(next.frames.processedFps).toBe(0);
    expect(next.frames.processed).toBe(270);
  });

  it('fits the publisher size guard with room to spare', async () => {
    const { clock, stats, monitor } = rig();
    clock.nowMs = 10_000;
    // The stages the daemon really records: the pipeline's, plus the trackers' 'track'.
    const stages = [...PIPELINE_STAGES, 'track'];
    for (let i = 0; i < 100; i++) {
      stats.record(Object.fromEntries(stages.map((s) => [s, 12.345 + i])), 30);
    }
    const health = await monitor.sample();
    const bytes = Buffer.byteLength(JSON.stringify(health));
    // privacy.maxPayloadBytes defaults to 4096 and the envelope adds ~100 bytes.
    expect(bytes).toBeLessThan(2048);
    // And the publisher's privacy guard lets it out (no field named like an embedding or image).
    const payload = new PayloadBuilder({ deviceId: 'box-1' }).health(
      clock.nowMs,
      health as unknown as Record<string, unknown>,
    );
    expect(new PrivacyGuard({ maxPayloadBytes: 4096 }).check(payload)).toEqual({ ok: true });
  });

  it('summarises itself for systemd STATUS=', async () => {
    const { clock, monitor } = rig();
    clock.nowMs = 1000;
    const line = healthStatusLine(await monitor.sample());
    expect(line).toBe(
      'camera open, 0 fps, 0 faces, level 0 (full), 57.4°C, under-voltage+throttled, mqtt up',
    );
  });
});
