// Commands over MQTT: a message on cmd/<name> goes to the router, and its one reply goes to
// cmd/<name>/reply — or, for an MQTT 5 request, to its response topic with its correlation data.
import type { Logger } from 'pino';
import type { CommandRouter } from './commands.js';
import type { IncomingProperties } from './mqtt-link.js';
import type { Outbox } from './outbox.js';
import type { PayloadBuilder } from './payloads.js';
import { isValidResponseTopic, type TopicMap } from './topics.js';

/** Longer correlation data is not echoed (it is the requester's token, not ours to carry). */
const MAX_CORRELATION_BYTES = 64;

export interface CommandChannelOptions {
  router: CommandRouter;
  topics: TopicMap;
  payloads: PayloadBuilder;
  outbox: Outbox;
  now: () => number;
  logger: Logger;
}

export class CommandChannel {
  private readonly options: CommandChannelOptions;

  constructor(options: CommandChannelOptions) {
    this.options = options;
  }

  /** Handles one incoming message; ignores topics that are not commands. Never throws. */
  receive(topic: string, body: Buffer, properties: IncomingProperties | undefined): void {
    const { router, topics, payloads, outbox, now, logger } = this.options;
    const name = topics.commandName(topic);
    if (name === undefined) return;
    router
      .handle(name, body)
      .then((outcome) => {
        const responseTopic = properties?.responseTopic;
        // A response topic may not point at our own event topics (no spoofed status or alerts).
        const routed =
          responseTopic !== undefined &&
          isValidResponseTopic(responseTopic) &&
          (!responseTopic.startsWith(`${topics.base}/`) || responseTopic.endsWith('/reply'));
        const target = routed ? responseTopic : topics.commandReply(name);
        let payload = payloads.reply(now(), outcome);
        // A handler result the guard refuses still gets a reply: an error without the result.
        if (!outbox.accepts(payload))
          payload = payloads.reply(now(), {
            cmd: outcome.cmd,
            ...(outcome.id !== undefined ? { id: outcome.id } : {}),
            ok: false,
            error: { code: 'failed', message: 'the reply was refused by the privacy guard' },
          });
        const correlation = properties?.correlationData;
        outbox.put('control', target, payload, false, {
          ...(routed ? { responseTopic: target } : {}),
          ...(correlation && correlation.length <= MAX_CORRELATION_BYTES
            ? { correlationData: correlation.toString('base64') }
            : {}),
        });
      })
      .catch((error: unknown) => {
        // Disk trouble while journalling the reply: the requester times out; the daemon goes on.
        logger.error({ err: (error as Error).message, topic }, 'command reply not queued');
      });
  }
}
