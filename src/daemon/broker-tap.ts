// The demo's window onto what leaves the box: subscribes to everything the daemon publishes on the
// embedded broker and logs each message (topic + payload) as one line.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../log/logger.js';

export interface BrokerTapOptions {
  url: string;
  baseTopic: string;
  logger: Logger;
}

export class BrokerTap {
  private client: MqttClient | undefined;
  messages = 0;
  bytes = 0;

  constructor(private readonly options: BrokerTapOptions) {}

  async start(): Promise<void> {
    const { url, baseTopic, logger } = this.options;
    // aedes speaks MQTT 3.1.1 only.
    this.client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      clientId: 'classpulse-demo-tap',
      reconnectPeriod: 1000,
    });
    this.client.on('message', (topic, body, packet) => {
      this.messages++;
      this.bytes += body.length;
      let payload: unknown = body.toString();
      try {
        payload = JSON.parse(body.toString());
      } catch {
        // Not JSON: shown as text, exactly as a subscriber would see it.
      }
      logger.info(
        { topic, retain: packet.retain, qos: packet.qos, bytes: body.length, payload },
        'published',
      );
    });
    await this.client.subscribeAsync(`${baseTopic}/#`, { qos: 1 });
    logger.info({ url, topic: `${baseTopic}/#` }, 'printing every message the daemon publishes');
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
