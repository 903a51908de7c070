import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../tools/models/onnx/graph-builder.js';
import { floatCandidates } from '../../tools/models/quantize/float-candidates.js';
import { buildTinyNet, seededValues } from '../../tools/models/quantize/tiny-net.js';

/** A trunk of 8 convs with a one-conv head per output, like FaceMesh's mesh + face-flag heads. */
function twoHeadNet() {
  const g = new GraphBuilder({ name: 'two-heads' });
  g.input('x', [1, 4, 8, 8]);
  let x = 'x';
  const conv = (input: string, name: string) => {
    const w = g.initializer(`${name}/w`, seededValues(16, name.length), [4, 4, 1, 1]);
    return g.node('Conv', [input, w], 1, { kernel_shape: [1, 1] }, { name })[0] ?? '';
  };
  for (let i = 0; i < 8; i++) x = conv(x, `trunk${i}`);
  const mesh = conv(x, 'meshHead');
  const flag = conv(x, 'flagHead');
  g.node('Identity', [mesh], ['mesh']);
  g.node('Sigmoid', [flag], ['flag'], {}, { name: 'flagSigmoid' });
  g.output('mesh', [1, 4, 8, 8]);
  g.output('flag', [1, 4, 8, 8]);
  return g.toModel();
}

describe('float-kept layer candidates', () => {
  it('offers the last 20 % and 10 % of the layers of a single-output net', () => {
    const candidates = floatCandidates(buildTinyNet());
    expect(candidates.map((c) => c.label)).toEqual(['last 20 % of layers', 'last 10 % of layers']);
    expect(candidates[0]?.nodes.at(-1)).toBe('Gemm');
  });

  it('offers each small branch that feeds only one output', () => {
    const branches = floatCandidates(twoHeadNet()).filter((c) => c.label.endsWith('branch'));
    expect(branches).toEqual([
      { label: 'mesh branch', nodes: ['meshHead', 'Identity'] },
      { label: 'flag branch', nodes: ['flagHead', 'flagSigmoid'] },
    ]);
  });
});
