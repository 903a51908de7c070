// Is the broker locked down (docs/security.md)? Two probes, run after the broker check connected:
// an extra anonymous connect (when the box has credentials of its own), and a '#' subscription
// with the box's credentials. mosquitto's acl_file grants any subscription and filters each
// message on delivery, so the SUBACK alone proves nothing: the doctor also publishes one probe
// message outside classpulse/ and counts what arrives that is not the box's own command topic.
// Findings are warnings: the daemon works either way, it is just not protected.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Config } from '../../config/schema.js';
import { TopicMap } from '../../publish/topics.js';
import { type CheckResult, errorText, withTimeout } from './check-result.js';

export interface BrokerAccessOptions {
  mqtt: Config['mqtt'];
  /** The doctor's client, connected with the box's credentials. */
  client: MqttClient;
  /** The options that client was made with (URL, TLS, timeouts). */
  clientOptions: IClientOptions;
  /** mqtt.url without any user:password@ (the anonymous connect must not carry them). */
  anonymousUrl: string;
  timeoutMs: number;
}

/** How long '#' may deliver before the doctor decides (the probe usually ends it sooner). */
const LISTEN_MS = 1500;
const REFUSED_LISTEN_MS = 300;
/** Granted QoS 0x80 (MQTT 3.1.1) or a reason code >= 0x80 (MQTT 5): the subscription is refused. */
const SUBACK_FAILURE = 0x80;

export async function checkBrokerAccess(options: BrokerAccessOptions): Promise<CheckResult> {
  const check = 'broker access';
  let problems: string[];
  try {
    problems = [...(await anonymousProblem(options)), ...(await wildcardProblem(options))];
  } catch (error) {
    // A probe that times out is no reason to fail the doctor: the box works, it is just unknown.
    return { check, status: 'warn', detail: `could not check: ${errorText(error)}` };
  }
  if (problems.length === 0)
    return {
      check,
      status: 'ok',
      detail: "anonymous clients refused; '#' brought this box nothing but its own commands",
    };
  return {
    check,
    status: 'warn',
    detail: `${problems.join('; ')} (see docs/security.md and \`classpulse broker-acl\`)`,
  };
}

async function anonymousProblem(options: BrokerAccessOptions): Promise<string[]> {
  const { mqtt: settings, clientOptions, timeoutMs } = options;
  const hasCredentials =
    settings.username !== '' || settings.tls.cert !== '' || options.anonymousUrl !== settings.url;
  if (!hasCredentials)
    return [
      'this box connects anonymously, so the broker takes anonymous clients: anyone on the network may publish and subscribe',
    ];
  const { username, password, cert, key, ...rest } = clientOptions;
  const anonymous = mqtt.connect(options.anonymousUrl, {
    ...rest,
    clientId: `${String(clientOptions.clientId)}-anon`.slice(0, 64),
  });
  // Refused (CONNACK "not authorized", or TLS wanting a client certificate) is what we want; no
  // answer within the timeout says nothing either way and is not reported.
  const accepted = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const settle = (value: boolean) => {
      clearTimeout(timer);
      resolve(value);
    };
    anonymous.once('connect', () => settle(true));
    anonymous.once('error', () => settle(false));
    anonymous.once('close', () => settle(false));
  });
  anonymous.end(true);
  return accepted
    ? ['the broker accepts anonymous connections: anyone on the network may connect']
    : [];
}

async function wildcardProblem(options: BrokerAccessOptions): Promise<string[]> {
  const { mqtt: settings, client, timeoutMs } = options;
  const topics = new TopicMap({ baseTopic: settings.baseTopic });
  const probe = `classpulse-doctor/${String(options.clientOptions.clientId)}`;
  const foreign: string[] = [];
  let probeSeen = false;
  const onMessage = (topic: string) => {
    if (topic === probe) probeSeen = true;
    if (topics.commandName(topic) === undefined) foreign.push(topic);
  };
  // mqtt.js reports a refused PUBACK as an 'error' event too; without a listener it would throw.
  let probeRefused = false;
  const onError = () => {
    probeRefused = true;
  };
  client.on('message', onMessage);
  client.on('error', onError);
  try {
    const granted = await withTimeout(
      client.subscribeAsync('#', { qos: 0 }),
      timeoutMs,
      "subscribe to '#'",
    );
    if (granted.every((g) => g.qos >= SUBACK_FAILURE)) return [];
    // A refused probe (MQTT 5 PUBACK "not authorized") is fine: the box should not write there
    // either; then only retained messages can still come, right after the SUBACK.
    const sent = await client.publishAsync(probe, '{}', { qos: 1 }).then(
      () => !probeRefused,
      () => false,
    );
    const deadline = Date.now() + Math.min(sent ? LISTEN_MS : REFUSED_LISTEN_MS, timeoutMs);
    while (!probeSeen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (foreign.length === 0) return [];
    return [
      `the broker lets this box subscribe to '#' and read other topics (${foreign.length} message(s), e.g. ${foreign[0]})`,
    ];
  } finally {
    client.removeListener('message', onMessage);
    client.removeListener('error', onError);
  }
}
