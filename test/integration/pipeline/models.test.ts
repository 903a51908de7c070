import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ModelStore } from '../../../src/pipeline/model-store.js';
import { Fp32Directory, type SessionSource } from '../../../src/pipeline/models.js';

describe('model sources', () => {
  it('refuses a missing model file, naming it and the command that rebuilds it', async () => {
    const source = new Fp32Directory({ dir: '/nonexistent/models', threads: 1 });
    await expect(source.session('facemesh')).rejects.toThrow(
      /\/nonexistent\/models\/facemesh\.onnx is missing: run `npm run models`/,
    );
  });

  it('accepts the daemon’s ModelStore wherever a session source is expected', () => {
    expectTypeOf<ModelStore>().toExtend<SessionSource>();
  });
});
