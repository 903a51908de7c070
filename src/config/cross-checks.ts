// Combinations of individually valid values that cannot work together.
import type { ConfigIssue } from './issues.js';
import type { Config } from './schema.js';

export function crossChecks(config: Config, sources: Map<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fail = (path: string, problem: string, value: unknown) => {
    const source = sources.get(path);
    issues.push({ path, problem, value, ...(source ? { source } : {}) });
  };
  const { camera, blink, headTurn, mqtt } = config;
  if (camera.reopenMaxMs < camera.reopenMinMs)
    fail('camera.reopenMaxMs', 'must be at least camera.reopenMinMs', camera.reopenMaxMs);
  if (blink.openRatio <= blink.closedRatio)
    fail('blink.openRatio', 'must be greater than blink.closedRatio (hysteresis)', blink.openRatio);
  if (blink.maxBlinkMs <= blink.minBlinkMs)
    fail('blink.maxBlinkMs', 'must be greater than blink.minBlinkMs', blink.maxBlinkMs);
  if (headTurn.releaseDeg >= headTurn.yawDeg)
    fail(
      'headTurn.releaseDeg',
      'must be less than headTurn.yawDeg (hysteresis)',
      headTurn.releaseDeg,
    );
  if (mqtt.reconnectMaxMs < mqtt.reconnectMinMs)
    fail('mqtt.reconnectMaxMs', 'must be at least mqtt.reconnectMinMs', mqtt.reconnectMaxMs);
  if (mqtt.password && mqtt.passwordFile)
    fail(
      'mqtt.passwordFile',
      'set either mqtt.password or mqtt.passwordFile, not both',
      mqtt.passwordFile,
    );
  if (Boolean(mqtt.tls.cert) !== Boolean(mqtt.tls.key))
    fail(
      'mqtt.tls.key',
      'a client certificate needs its key and the other way round',
      mqtt.tls.key,
    );
  if ((mqtt.tls.ca || mqtt.tls.cert) && !/^(mqtts|wss):/.test(mqtt.url))
    fail('mqtt.url', 'TLS files are set but the URL is not mqtts:// or wss://', mqtt.url);
  if (mqtt.url === 'embedded' && (mqtt.username || mqtt.password || mqtt.passwordFile))
    fail('mqtt.username', 'the embedded demo broker takes no credentials', mqtt.username);
  if (camera.width * camera.height > 3840 * 2160)
    fail('camera.width', 'width × height exceeds 4K', `${camera.width}x${camera.height}`);
  return issues;
}
