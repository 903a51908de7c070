// Can the box reach the broker with the configured credentials and TLS? Connects once with the
// publisher's own client options (buildClientOptions) but its own client id, a clean session and no
// will, so a running daemon's session and its retained status are left alone.
import mqtt, { type IClientOptions } from 'mqtt';
import type { Config } from '../../config/schema.js';
import { buildClientOptions } from '../../publish/client-options.js';
import { checkBrokerAccess } from './broker-access.js';
import { type CheckResult, errorText, withTimeout } from './check-result.js';

export interface BrokerCheckOptions {
  mqtt: Config['mqtt'];
  timeoutMs: number;
}

/** The URL with any user:password@ removed, for printing. */
function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** The connection row, then (once connected) the access row of broker-access.ts. */
export async function checkBroker(options: BrokerCheckOptions): Promise<CheckResult[]> {
  const { mqtt: settings, timeoutMs } = options;
  const check = 'broker';
  if (settings.url === 'embedded') {
    return [{ check, status: 'warn', detail: 'embedded demo broker: the daemon starts its own' }];
  }
  const target = safeUrl(settings.url);
  let clientOptions: IClientOptions;
  try {
    clientOptions = doctorClientOptions(settings, timeoutMs);
  } catch (error) {
    // Unreadable CA/cert/key files: MqttConfigError names the key and the file.
    return [{ check, status: 'FAIL', detail: `${target}: ${errorText(error)}` }];
  }
  const client = mqtt.connect(settings.url, clientOptions);
  const startedMs = performance.now();
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () =>
          reject(new Error('connection closed before the broker answered')),
        );
      }),
      timeoutMs,
      `broker ${target}`,
    );
    const ms = Math.round(performance.now() - startedMs);
    const tls = /^(mqtts|wss):/.test(settings.url) ? 'TLS' : 'no TLS';
    const who = settings.username ? `as "${settings.username}"` : 'anonymously';
    const connected: CheckResult = {
      check,
      status: 'ok',
      detail: `${target}: connected ${who}, MQTT ${settings.protocolVersion === 5 ? '5' : '3.1.1'}, ${tls} (${ms} ms)`,
    };
    return [
      connected,
      await checkBrokerAccess({
        mqtt: settings,
        client,
        clientOptions,
        timeoutMs,
        anonymousUrl: safeUrl(settings.url),
      }),
    ];
  } catch (error) {
    return [{ check, status: 'FAIL', detail: `${target}: ${explain(error, settings)}` }];
  } finally {
    client.end(true);
  }
}

function doctorClientOptions(settings: Config['mqtt'], timeoutMs: number): IClientOptions {
  const options = buildClientOptions({
    mqtt: settings,
    protocolVersion: settings.protocolVersion,
    will: { topic: 'unused', payload: '' },
  });
  delete options.will;
  return {
    ...options,
    clientId: `${settings.clientId}-doctor-${process.pid}`.slice(0, 64),
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(settings.protocolVersion === 5
      ? { properties: { ...options.properties, sessionExpiryInterval: 0 } }
      : {}),
  };
}

const AUTH_CODES = new Set([4, 5, 134, 135]);

/** The error plus what to look at, in the technician's terms. */
function explain(error: unknown, settings: Config['mqtt']): string {
  const message = errorText(error);
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return `unreachable: nothing listens there (${message})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `unreachable: the host name does not resolve (${message})`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return `unreachable: no route to the broker (${message})`;
  }
  if (typeof code === 'number' && AUTH_CODES.has(code)) {
    const user = settings.username ? `user "${settings.username}"` : 'no user name';
    return `refused the credentials (${user}; check mqtt.username and mqtt.password/passwordFile): ${message}`;
  }
  if (
    typeof code === 'string' &&
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME/.test(code)
  ) {
    return `TLS failed (${code}; check mqtt.tls.ca and the broker's certificate name): ${message}`;
  }
  return message;
}
