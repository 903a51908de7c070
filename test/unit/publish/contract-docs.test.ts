// docs/asyncapi.yaml and docs/schemas agree: every message points at an existing schema, every
// schema is used, every documented example validates, and no schema has a field that could carry
// an image or an embedding.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DOCS = resolve(import.meta.dirname, '../../../docs');

interface AsyncApiMessage {
  payload: { $ref: string };
  examples?: Array<{ payload: unknown }>;
}

const asyncapi = parse(readFileSync(join(DOCS, 'asyncapi.yaml'), 'utf8')) as {
  channels: Record<string, unknown>;
  components: { messages: Record<string, AsyncApiMessage> };
};
const schemaFiles = readdirSync(join(DOCS, 'schemas')).filter((f) => f.endsWith('.json'));
/** Schemas of command output, never published (test/integration/analyze checks them). */
const COMMAND_SCHEMAS = ['analyze.json'];
const publishedSchemas = schemaFiles.filter((f) => !COMMAND_SCHEMAS.includes(f));
const loadSchema = (ref: string) =>
  JSON.parse(readFileSync(join(DOCS, ref), 'utf8')) as Record<string, unknown>;

function propertyNames(node: unknown, out: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return out;
  const record = node as Record<string, unknown>;
  if (record.properties && typeof record.properties === 'object')
    out.push(...Object.keys(record.properties));
  for (const value of Object.values(record)) propertyNames(value, out);
  return out;
}

describe('the published contract', () => {
  it('points every message at a schema file and uses every schema file', () => {
    const refs = Object.values(asyncapi.components.messages).map((m) => m.payload.$ref);
    expect(refs.map((r) => r.replace('./schemas/', '')).sort()).toEqual(
      [...publishedSchemas].sort(),
    );
    expect(Object.keys(asyncapi.channels).length).toBe(7);
  });

  it('has examples that validate against their schemas', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    let checked = 0;
    for (const [name, message] of Object.entries(asyncapi.components.messages)) {
      const validate = ajv.compile(loadSchema(message.payload.$ref));
      for (const example of message.examples ?? []) {
        expect({ name, ok: validate(example.payload), errors: validate.errors ?? null }).toEqual({
          name,
          ok: true,
          errors: null,
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('has no field for an image, an embedding or raw bytes, and closes every object', () => {
    for (const file of schemaFiles) {
      const schema = loadSchema(`schemas/${file}`);
      const names = propertyNames(schema);
      expect(
        names.filter((n) => /embed|descriptor|image|jpe?g|png|pixel|bytes|base64/i.test(n)),
      ).toEqual([]);
      expect(schema.additionalProperties).toBe(false);
    }
  });
});
