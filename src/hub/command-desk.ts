// Commands from the dashboard to a box: the daemon's request format ({id, tMs} on
// <base>/<room>/<device>/cmd/<name>, docs/mqtt.md), the reply matched by its correlation id on
// cmd/<name>/reply (the ingest hands replies in), and a clear timeout when none comes.
import { randomBytes } from 'node:crypto';
import type { HubMessage } from './hub-message.js';

/** What the dashboard may ask a box to do: open and close the camera. */
export const HUB_COMMANDS = ['start', 'stop'] as const;
export type HubCommand = (typeof HUB_COMMANDS)[number];

export type CommandOutcome =
  | { answered: true; reply: Record<string, unknown> }
  | { answered: false; error: string };

interface Pending {
  resolve: (outcome: CommandOutcome) => void;
  timer: NodeJS.Timeout;
}

export interface CommandDeskOptions {
  publish: (room: string, device: string, name: string, body: object) => Promise<void>;
  timeoutMs: number;
  now?: () => number;
}

export class CommandDesk {
  private readonly options: CommandDeskOptions;
  private readonly pending = new Map<string, Pending>();

  constructor(options: CommandDeskOptions) {
    this.options = options;
  }

  async send(room: string, device: string, name: HubCommand): Promise<CommandOutcome> {
    const id = `hub-${randomBytes(9).toString('base64url')}`;
    const tMs = (this.options.now ?? Date.now)();
    const seconds = Math.round(this.options.timeoutMs / 1000);
    const outcome = new Promise<CommandOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({
          answered: false,
          error: `no reply from ${device} within ${seconds} s: the box may be offline or busy`,
        });
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, timer });
    });
    try {
      await this.options.publish(room, device, name, { id, tMs });
    } catch (error) {
      this.settle(id, { answered: false, error: `not sent: ${(error as Error).message}` });
    }
    return outcome;
  }

  /** Every accepted reply goes through here; those to our requests settle them. */
  onReply(message: HubMessage): void {
    if (message.kind !== 'reply') return;
    const id = message.payload.id;
    if (typeof id === 'string') this.settle(id, { answered: true, reply: message.payload });
  }

  close(): void {
    for (const id of [...this.pending.keys()])
      this.settle(id, { answered: false, error: 'the hub is stopping' });
  }

  private settle(id: string, outcome: CommandOutcome): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
}
