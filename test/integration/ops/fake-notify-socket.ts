// A stand-in for systemd's notification socket: python3 binds a unix datagram socket at a temp
// path and prints every datagram it receives as one JSON line (Node cannot bind one itself).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("LISTENING"), flush=True)
while True:
    # recv() takes no ancillary data: the kernel closes the fd a BARRIER=1 carries, which is
    # exactly what releases systemd-notify's barrier wait.
    print(json.dumps(s.recv(65536).decode()), flush=True)
`;

export class FakeNotifySocket {
  readonly messages: string[] = [];
  private constructor(
    readonly path: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(): Promise<FakeNotifySocket> {
    const dir = mkdtempSync(join(tmpdir(), 'classpulse-notify-'));
    const path = join(dir, 'notify.sock');
    const child = spawn('python3', ['-c', SERVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const socket = new FakeNotifySocket(path, dir, child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`fake notify socket exited (${code})`)));
      lines.on('line', (line) => {
        const message = JSON.parse(line) as string;
        if (message === 'LISTENING') resolve();
        else socket.messages.push(message);
      });
    });
    return socket;
  }

  /** Every KEY=VALUE assignment received, in order (one datagram may carry several). */
  assignments(): string[] {
    return this.messages.flatMap((m) => m.split('\n')).filter((a) => a !== 'BARRIER=1');
  }

  count(assignment: string): number {
    return this.assignments().filter((a) => a === assignment).length;
  }

  stop(): void {
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
