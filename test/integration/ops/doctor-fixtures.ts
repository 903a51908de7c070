// Fixtures for the doctor tests: a models folder with a real (tiny) ONNX graph and its manifest,
// and a closed loopback port.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
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
