// Runs publisher-child.ts in its own process and follows the stats lines it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { PublisherStats } from '../../../src/publish/mqtt-publisher.js';
import { waitFor } from './support.js';

const SCRIPT = resolve(import.meta.dirname, 'publisher-child.ts');

export class PublisherChild {
  latest: PublisherStats | undefined;
  private readonly child: ChildProcess;
  private exitCode: number | null | undefined;

  constructor(env: Record<string, string | number>, mode: 'produce' | 'drain') {
    const vars: NodeJS.ProcessEnv = { ...process.env, CHILD_MODE: mode };
    for (const [key, value] of Object.entries(env)) vars[key] = String(value);
    this.child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: vars,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const last = lines.at(-1);
      if (last) this.latest = JSON.parse(last) as PublisherStats;
    });
    this.child.once('exit', (code) => {
      this.exitCode = code;
    });
  }

  async until(what: string, check: (stats: PublisherStats) => boolean): Promise<PublisherStats> {
    await waitFor(what, () => this.latest !== undefined && check(this.latest), 30_000);
    return this.latest as PublisherStats;
  }

  /** SIGKILL: no chance to flush, close sockets cleanly or write anything more. */
  async kill(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}
