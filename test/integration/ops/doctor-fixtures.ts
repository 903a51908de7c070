// Fixtures for the doctor tests: a models folder with a real (tiny) ONNX graph and its manifest, a
// closed loopback port, and a real mosquitto requiring a user name and password.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphBuilder } from '../../../tools/models/onnx/graph-builder.js';

/** models/ with one int8 entry under the configured detector's name (a stand-in identity graph). */
export function writeModels(dir: string, name: string): string {
  const g = new GraphBuilder({ name: 'doctor-identity' });
  g.input('x', [1, 4]);
  g.node('Identity', ['x'], ['y']);
  g.output('y', [1, 4]);
  const bytes = g.toBytes();
  mkdirSync(join(dir, 'int8'), { recursive: true });
  const file = join(dir, 'int8', `${name}.onnx`);
  writeFileSync(file, bytes);
  const manifest = {
    version: 1,
    models: {
      [name]: {
        name,
        role: 'detector',
        source: 'classpulse-test@0.0.0:identity',
        licence: 'test fixture',
        files: {
          int8: {
            path: `int8/${name}.onnx`,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            bytes: bytes.byteLength,
          },
        },
        input: { name: 'x', shape: [1, 4], layout: 'NC', normalisation: 'none' },
        outputs: [{ name: 'y', shape: [1, 4] }],
      },
    },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return file;
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class PasswordBroker {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  static async start(dir: string, user: string, password: string): Promise<PasswordBroker> {
    const port = await closedPort();
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    execFileSync('mosquitto_passwd', ['-b', passwd, user, password]);
    const conf = join(dir, 'mosquitto.conf');
    const lines = [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwd}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
    ];
    if (process.getuid?.() === 0) lines.push('user root');
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const child = spawn('/usr/sbin/mosquitto', ['-c', conf], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const deadline = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (Date.now() > deadline) throw new Error('mosquitto did not start');
      await sleep(50);
    }
    return new PasswordBroker(port, child);
  }

  stop(): void {
    this.child.kill();
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
