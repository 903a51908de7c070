// MQTT client settings from the config: identity, credentials, TLS and explicit session settings.
// Unreadable TLS files are configuration errors and name the key and the file.
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { Config } from '../config/schema.js';

/** Largest packet we accept from the broker: commands are tiny, so a flood cannot cost memory. */
const MAX_INCOMING_PACKET_BYTES = 16 * 1024;

/** The connection keys the daemon's and the hub's mqtt sections share. */
type ConnectionSettings = Pick<
  Config['mqtt'],
  'url' | 'clientId' | 'username' | 'password' | 'keepaliveS' | 'sessionExpiryS' | 'reconnectMinMs'
> & { tls: Config['mqtt']['tls'] };

export interface ClientOptionsInput {
  mqtt: ConnectionSettings;
  /** 4 for the embedded aedes broker (MQTT 3.1.1 only), else mqtt.protocolVersion. */
  protocolVersion: 4 | 5;
  /** The daemon's last will (offline status); the hub has none. */
  will?: { topic: string; payload: string };
  /** Largest packet the broker may send us (MQTT 5); default 16 KiB, the daemon's commands. */
  maxIncomingPacketBytes?: number;
}

export class MqttConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`${key}: ${problem}`);
    this.name = 'MqttConfigError';
  }
}

export function buildClientOptions(input: ClientOptionsInput): IClientOptions {
  const { mqtt, protocolVersion, will } = input;
  const v5 = protocolVersion === 5;
  const options: IClientOptions = {
    clientId: mqtt.clientId,
    protocolVersion,
    keepalive: mqtt.keepaliveS,
    // A persistent session keeps our command subscription (and commands sent meanwhile) while we
    // are away; sessionExpiryS 0 asks for a clean session instead.
    clean: v5 ? mqtt.sessionExpiryS === 0 : false,
    reconnectPeriod: mqtt.reconnectMinMs,
    // A refused CONNACK (bad credentials while a password is rotated) must not end the retries.
    reconnectOnConnackError: true,
    connectTimeout: 10_000,
    // We only hand QoS0 (health) to the client while connected; nothing stale piles up in memory.
    queueQoSZero: false,
    resubscribe: true,
    ...(will
      ? {
          will: {
            topic: will.topic,
            payload: Buffer.from(will.payload),
            qos: 1 as const,
            retain: true,
            ...(v5
              ? { properties: { willDelayInterval: 0, contentType: 'application/json' } }
              : {}),
          },
        }
      : {}),
    ...(v5
      ? {
          properties: {
            sessionExpiryInterval: mqtt.sessionExpiryS,
            receiveMaximum: 32,
            maximumPacketSize: input.maxIncomingPacketBytes ?? MAX_INCOMING_PACKET_BYTES,
            topicAliasMaximum: 0,
            requestResponseInformation: false,
            requestProblemInformation: true,
          },
        }
      : {}),
  };
  if (mqtt.username) options.username = mqtt.username;
  if (mqtt.password) options.password = mqtt.password;
  if (mqtt.tls.ca) options.ca = readPem('mqtt.tls.ca', mqtt.tls.ca);
  if (mqtt.tls.cert) options.cert = readPem('mqtt.tls.cert', mqtt.tls.cert);
  if (mqtt.tls.key) options.key = readPem('mqtt.tls.key', mqtt.tls.key);
  if (/^(mqtts|wss):/.test(mqtt.url)) options.rejectUnauthorized = mqtt.tls.rejectUnauthorized;
  return options;
}

/** A PEM file's contents; an unreadable or non-PEM file is a MqttConfigError naming the key. */
export function readPem(key: string, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new MqttConfigError(key, `cannot read ${path}: ${(error as Error).message}`);
  }
  if (!pem.toString('utf8').includes('-----BEGIN'))
    throw new MqttConfigError(key, `${path} is not a PEM file`);
  return pem;
}
