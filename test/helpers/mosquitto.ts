// A real mosquitto for integration tests: a temp dir with its config and persistence, a free
// loopback port, restart on the same port keeping persistence, and cleanup that always runs.
// Optional: a password file, an ACL file and a TLS listener (certificates made with openssl at
// test time, one client certificate per requested CN).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MOSQUITTO = '/usr/sbin/mosquitto';

export interface Credentials {
  username: string;
  password: string;
}

export interface MosquittoOptions {
  /** Require this user and password (a mosquitto_passwd file); anonymous access is then refused. */
  credentials?: Credentials;
  /** More users for the password file (with or without `credentials`). */
  users?: Credentials[];
  /** Keep anonymous access on even with a password file (a half-configured broker). */
  allowAnonymous?: boolean;
  /** The text of an acl_file. */
  acl?: string;
  /** Add a TLS listener with a test CA, requiring client certificates. */
  tls?: boolean;
  /** Extra client certificates (by CN) signed by the test CA. */
  clientNames?: string[];
  /** On the TLS listener, the certificate's CN is the user name (no password asked). */
  useIdentityAsUsername?: boolean;
  /**
   * Default 0 (unbounded). mosquitto 2.0.11 with 0 drops the connection of a client whose publish
   * the ACL denies (instead of a PUBACK), so ACL tests use mosquitto's own default, 1000.
   */
  maxQueuedMessages?: number;
}

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestCerts {
  ca: string;
  clientCert: string;
  clientKey: string;
  /** Every client certificate by CN ('classpulse-test' and options.clientNames). */
  clients: Record<string, CertPair>;
}

export class Mosquitto {
  readonly dir: string;
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly certs: TestCerts | undefined;
  private process: ChildProcess | undefined;

  private constructor(dir: string, port: number, tlsPort?: number, certs?: TestCerts) {
    this.dir = dir;
    this.port = port;
    this.tlsPort = tlsPort;
    this.certs = certs;
  }

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'classpulse-mosquitto-'));
    const port = await freePort();
    const tlsPort = options.tls ? await freePort() : undefined;
    const certs = options.tls ? makeCerts(dir, options.clientNames ?? []) : undefined;
    const lines = [
      `listener ${port} 127.0.0.1`,
      'persistence true',
      `persistence_location ${dir}/`,
      `log_dest file ${join(dir, 'mosquitto.log')}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      // A persistent subscriber may be away during a long replay: keep everything for it (0).
      `max_queued_messages ${options.maxQueuedMessages ?? 0}`,
      'max_inflight_messages 20',
      'per_listener_settings false',
    ];
    if (process.getuid?.() === 0) lines.push('user root');
    const users = [...(options.credentials ? [options.credentials] : []), ...(options.users ?? [])];
    if (users.length > 0) {
      const file = join(dir, 'passwd');
      writeFileSync(file, '');
      for (const user of users)
        execFileSync('mosquitto_passwd', ['-b', file, user.username, user.password]);
      lines.push(`allow_anonymous ${options.allowAnonymous === true}`, `password_file ${file}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (options.acl !== undefined) {
      writeFileSync(join(dir, 'acl'), options.acl);
      lines.push(`acl_file ${join(dir, 'acl')}`);
    }
    if (tlsPort && certs) {
      lines.push(
        `listener ${tlsPort} 127.0.0.1`,
        `cafile ${certs.ca}`,
        `certfile ${join(dir, 'server.crt')}`,
        `keyfile ${join(dir, 'server.key')}`,
        'require_certificate true',
        ...(options.useIdentityAsUsername ? ['use_identity_as_username true'] : []),
      );
    }
    writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
    const broker = new Mosquitto(dir, port, tlsPort, certs);
    await broker.launch();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** The broker's process id while it runs (for load sampling by tools). */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get tlsUrl(): string {
    return `mqtts://localhost:${this.tlsPort}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Clean shutdown (mosquitto saves its persistence) and start again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.stopProcess('SIGTERM');
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.launch();
  }

  /** SIGSTOP: sockets stay open but nothing is answered (a hung broker). */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  /** Stops the broker without removing its directory (start it again with `launch`). */
  async halt(): Promise<void> {
    await this.stopProcess('SIGTERM');
  }

  async launch(): Promise<void> {
    const child = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.process = child;
    // Even if the test process dies without running afterAll, no broker outlives it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`mosquitto exited (${code}): ${stderr}${this.log()}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPort(this.port, 10_000), exited]);
    if (this.tlsPort) await Promise.race([waitForPort(this.tlsPort, 10_000), exited]);
  }

  /** Stops the broker and removes its directory; safe to call more than once. */
  async stop(): Promise<void> {
    await this.stopProcess('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'mosquitto.log'), 'utf8');
    } catch {
      return '(no log)';
    }
  }

  private async stopProcess(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a paused broker cannot act on SIGTERM
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A CA, a server certificate for localhost and client certificates, all signed by the CA. */
function makeCerts(dir: string, clientNames: string[]): TestCerts {
  makeCa(dir, 'ca', 'test-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  signed(dir, 'ca', 'server', 'localhost', 'server.ext');
  const clients: Record<string, CertPair> = {};
  for (const cn of ['classpulse-test', ...clientNames])
    clients[cn] = signed(dir, 'ca', `client-${cn}`, cn);
  const test = clients['classpulse-test'] as CertPair;
  return { ca: join(dir, 'ca.crt'), clientCert: test.cert, clientKey: test.key, clients };
}

/**
 * A client certificate for `cn` signed by a CA of its own that no broker trusts: what a student
 * who made their own certificate would present.
 */
export function rogueClientCert(dir: string, cn: string): CertPair {
  makeCa(dir, 'rogue-ca', 'rogue-ca');
  return signed(dir, 'rogue-ca', `rogue-${cn}`, cn);
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string, cn: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
  );
}

function signed(dir: string, ca: string, name: string, cn: string, ext?: string): CertPair {
  openssl(
    dir,
    'req',
    '-new',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    ...(ext ? ['-extfile', ext] : []),
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}
