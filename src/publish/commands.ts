// Commands arrive on cmd/<name> and are answered on cmd/<name>/reply (or the MQTT 5 response
// topic). Requests are validated before anything runs; every request gets exactly one reply, and
// nothing a requester sends can throw out of here. Commands run one at a time, so start/stop/reload
// never interleave.
import { Ajv } from 'ajv';
import { COMMAND_NAMES, type CommandName } from './topics.js';

/** What the daemon does for each command. */
export interface CommandHandler {
  /** Open the camera and start processing (the operator starts a lesson). */
  start(): Promise<void>;
  /** Stop processing and close the camera. */
  stop(): Promise<void>;
  /** Zero the per-student counters. */
  reset(): Promise<void>;
  /** Re-read the configuration: what was applied and what needs a restart. */
  reload(): Promise<ReloadResult>;
  /** Write an annotated frame to a local file; only the path is returned (never the bytes). */
  snapshot(): Promise<{ path: string }>;
  status(): Promise<Record<string, unknown>>;
}

/**
 * The reload reply. 'applied': every change took effect; 'restart-needed': the sections that can
 * change while running were applied and `needRestart` lists those that only a restart applies.
 */
export interface ReloadResult {
  status: 'applied' | 'restart-needed';
  applied: string[];
  needRestart: string[];
}

export interface CommandOutcome {
  cmd: string;
  id?: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: CommandErrorCode; message: string };
}

export type CommandErrorCode =
  | 'bad-request'
  | 'unknown-command'
  | 'unavailable'
  | 'disabled'
  | 'timeout'
  | 'stale'
  | 'failed';

/** The request schema; docs/schemas/command-request.json is kept equal by a test. */
export const COMMAND_REQUEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://classpulse.example/schemas/command-request.json',
  title: 'Command request',
  description: 'Body of a message on cmd/<name>. An empty body is the same as {}.',
  type: 'object',
  properties: {
    id: {
      description: 'Correlation id, echoed in the reply.',
      type: 'string',
      pattern: '^[A-Za-z0-9._:-]{1,64}$',
    },
    tMs: {
      description:
        'When the request was made, ms since the Unix epoch. Optional; with it the box refuses a request older (or further in the future) than mqtt.commandMaxAgeS.',
      type: 'integer',
      minimum: 0,
    },
  },
  additionalProperties: false,
} as const;

const MAX_REQUEST_BYTES = 1024;

export interface CommandRouterOptions {
  /** Absent until the daemon serves commands (see serve()): requests get 'unavailable'. */
  handler?: CommandHandler | undefined;
  /** privacy.snapshots: when false the snapshot command is refused. */
  snapshotsAllowed: boolean;
  timeoutMs: number;
  /** Extra fields for the status reply (the publisher's own stats). */
  extraStatus?: () => Record<string, unknown>;
  /** Called after a successful reset (the publisher re-sends every student afresh). */
  onReset?: () => void;
  /** mqtt.commandMaxAgeS in ms: a request whose tMs is further from now is refused; 0 = off. */
  maxAgeMs?: number;
  now?: () => number;
}

export class CommandRouter {
  private readonly options: CommandRouterOptions;
  private handler: CommandHandler | undefined;
  private readonly validate = new Ajv({ allErrors: false, strict: true }).compile(
    COMMAND_REQUEST_SCHEMA,
  );
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: CommandRouterOptions) {
    this.options = options;
    this.handler = options.handler;
  }

  /** The daemon is built after the connection that carries its commands: it starts serving here. */
  serve(handler: CommandHandler): void {
    this.handler = handler;
  }

  /** Never rejects: every failure becomes an error outcome. */
  handle(name: string, body: Buffer): Promise<CommandOutcome> {
    const run = this.chain.then(() => this.run(name, body));
    this.chain = run.catch(() => undefined);
    return run.catch((error: unknown) => ({
      cmd: name,
      ok: false,
      error: { code: 'failed', message: messageOf(error) },
    }));
  }

  private async run(name: string, body: Buffer): Promise<CommandOutcome> {
    const parsed = this.parse(body);
    if ('error' in parsed) return { cmd: name, ok: false, error: parsed.error };
    const id = parsed.id;
    const base = { cmd: name, ...(id !== undefined ? { id } : {}) };
    const stale = this.staleness(parsed.tMs);
    if (stale) return { ...base, ok: false, error: { code: 'stale', message: stale } };
    if (!(COMMAND_NAMES as readonly string[]).includes(name))
      return {
        ...base,
        ok: false,
        error: { code: 'unknown-command', message: `commands: ${COMMAND_NAMES.join(', ')}` },
      };
    const handler = this.handler;
    if (!handler)
      return {
        ...base,
        ok: false,
        error: { code: 'unavailable', message: 'the daemon is still starting' },
      };
    if (name === 'snapshot' && !this.options.snapshotsAllowed)
      return {
        ...base,
        ok: false,
        error: { code: 'disabled', message: 'snapshots are off (privacy.snapshots)' },
      };
    try {
      const result = await withTimeout(
        this.execute(name as CommandName, handler),
        this.options.timeoutMs,
      );
      return { ...base, ok: true, ...(result ? { result } : {}) };
    } catch (error) {
      const code = error instanceof CommandTimeout ? 'timeout' : 'failed';
      return { ...base, ok: false, error: { code, message: messageOf(error) } };
    }
  }

  private async execute(
    name: CommandName,
    handler: CommandHandler,
  ): Promise<Record<string, unknown> | undefined> {
    switch (name) {
      case 'start':
        await handler.start();
        return undefined;
      case 'stop':
        await handler.stop();
        return undefined;
      case 'reset':
        await handler.reset();
        this.options.onReset?.();
        return undefined;
      case 'reload':
        return { ...(await handler.reload()) };
      case 'snapshot': {
        const { path } = await handler.snapshot();
        return { path: String(path) };
      }
      case 'status':
        return { ...(await handler.status()), ...(this.options.extraStatus?.() ?? {}) };
    }
  }

  /** Why a stamped request is too old (a replay, a retained message) or from the future. */
  private staleness(tMs: number | undefined): string | undefined {
    const maxAgeMs = this.options.maxAgeMs ?? 0;
    if (tMs === undefined || maxAgeMs <= 0) return undefined;
    const ageMs = (this.options.now ?? Date.now)() - tMs;
    const seconds = Math.round(Math.abs(ageMs) / 1000);
    const limit = `mqtt.commandMaxAgeS is ${maxAgeMs / 1000}; not run`;
    if (ageMs > maxAgeMs) return `request is ${seconds} s old (${limit})`;
    if (-ageMs > maxAgeMs)
      return `request is stamped ${seconds} s in the future: check the requester's and the box's clocks (${limit})`;
    return undefined;
  }

  private parse(
    body: Buffer,
  ): { id?: string; tMs?: number } | { error: { code: CommandErrorCode; message: string } } {
    if (body.length > MAX_REQUEST_BYTES)
      return { error: { code: 'bad-request', message: `over ${MAX_REQUEST_BYTES} bytes` } };
    const text = body.toString('utf8').trim();
    if (text === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { error: { code: 'bad-request', message: 'not JSON' } };
    }
    if (!this.validate(value)) {
      const first = this.validate.errors?.[0];
      const where = first?.instancePath || '(body)';
      return { error: { code: 'bad-request', message: `${where} ${first?.message ?? 'invalid'}` } };
    }
    return value as { id?: string; tMs?: number };
  }
}

class CommandTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CommandTimeout(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 200);
}
