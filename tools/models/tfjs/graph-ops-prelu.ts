// PRelu with one constant slope per channel, written so that onnxruntime's CPU provider runs it
// fast. Its PRelu kernel works only in plain NCHW: every PRelu between two convs makes the blocked
// NCHWc layout the convs use reorder out and back, and PRelu itself broadcasts the slope slowly.
// Profiled on FaceMesh (fp32, 1 thread): PRelu plus the reorders around it were half the kernel
// time. The same function as y + (1 − a)·relu(−y) is two depthwise 1×1 convs, a Relu and an Add,
// which the NCHWc pass keeps blocked and fuses (the Relu into the first conv, the Add into the
// second): FaceMesh ran about 1.9× and iris 1.8× faster, with outputs equal to rounding
// (docs/models.md). The int8 build gains too: the Q/DQ pairs PRelu needed disappear.
import type { ConvertContext } from './graph-context.js';
import type { NamedTensor } from './weights.js';

/** Per-channel slopes (TF shape [C] or [1, 1, C]), or undefined when the slope is anything else. */
function channelSlopes(slope: NamedTensor | undefined, channels: number): Float32Array | undefined {
  if (!slope || channels <= 1 || slope.data.length !== channels) return undefined;
  const leading = slope.shape.slice(0, -1);
  if (slope.shape.at(-1) !== channels || leading.some((d) => d !== 1)) return undefined;
  return slope.data;
}

/**
 * PRelu(y, a) on the NCHW activation `y` with `channels` channels. Returns the output name, or
 * undefined if the slope is not one constant per channel (the caller then writes a plain PRelu).
 */
export function lowerPrelu(
  ctx: ConvertContext,
  y: string,
  slope: NamedTensor | undefined,
  channels: number,
): string | undefined {
  const a = channelSlopes(slope, channels);
  if (!a) return undefined;
  const depthwise1x1 = (input: string, base: string, weights: Float32Array): string => {
    const w = ctx.weight(base, weights, [channels, 1, 1, 1]);
    const [out] = ctx.g.node('Conv', [input, w], 1, { kernel_shape: [1, 1], group: channels });
    return out ?? '';
  };
  // relu(−y): y < 0 → −y, else 0. Then y + (1 − a)·relu(−y) is y for y ≥ 0 and a·y below.
  const negated = depthwise1x1(y, 'prelu/negate', new Float32Array(channels).fill(-1));
  const [belowZero] = ctx.g.node('Relu', [negated], 1);
  const scaled = depthwise1x1(
    belowZero ?? '',
    'prelu/one_minus_slope',
    a.map((v) => 1 - v),
  );
  const [out] = ctx.g.node('Add', [scaled, y], 1);
  return out ?? '';
}
