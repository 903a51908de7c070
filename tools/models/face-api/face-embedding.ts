/**
 * face-api's face recognition net (dlib-style ResNet-34 variant) as ONNX.
 *
 * Input  `input`      [N, 3, 150, 150] float32, RGB, 0..255. The graph applies
 *        face-api's (x - [122.782, 117.001, 104.298]) / 255. The caller crops the
 *        face, pads it to a square centred (toBatchTensor(150, true)) and resizes.
 * Output `embedding`  [N, 128], not normalised (face-api compares raw descriptors
 *        by euclidean distance, ~0.6 = same person); the pipeline L2-normalises.
 */
import type { ModelProto } from '../onnx/proto.js';
import type { WeightMap } from '../tfjs/weights.js';
import { OnnxNet, type Sym } from './onnx-net.js';

export const EMBEDDING_INPUT_SIZE = 150;
export const FACE_MEAN_RGB = [122.782, 117.001, 104.298];

/** conv + bias followed by face-api's scale layer (x * weights + biases), folded into one Conv. */
function convScale(
  net: OnnxNet,
  x: Sym,
  prefix: string,
  strideHw: number,
  padding: 'same' | 'valid',
): Sym {
  const scale = net.w(`${prefix}/scale/weights`).data;
  const shift = net.w(`${prefix}/scale/biases`).data;
  const bias = net
    .w(`${prefix}/conv/bias`)
    .data.map((b, i) => b * (scale[i] ?? 1) + (shift[i] ?? 0));
  return net.conv(x, { filter: net.w(`${prefix}/conv/filters`), scale, bias, strideHw, padding });
}

function residual(net: OnnxNet, x: Sym, prefix: string): Sym {
  const a = net.relu(convScale(net, x, `${prefix}/conv1`, 1, 'same'));
  const b = convScale(net, a, `${prefix}/conv2`, 1, 'same');
  return net.relu(net.binary('Add', b, x));
}

/**
 * Strided block: 3x3/2 'valid' conv path plus a 2x2 average-pooled shortcut. face-api
 * zero-pads the shortcut's extra channels and, where the valid conv came out one
 * pixel smaller than the pool, zero-pads the conv path at the bottom/right.
 */
function residualDown(net: OnnxNet, x: Sym, prefix: string): Sym {
  const a = net.relu(convScale(net, x, `${prefix}/conv1`, 2, 'valid'));
  let b = convScale(net, a, `${prefix}/conv2`, 1, 'same');
  let pooled = net.pool('AveragePool', x, 2, 2, 'valid');
  const [, pc = 0, ph = 0, pw = 0] = pooled.shape;
  const [, bc = 0, bh = 0, bw = 0] = b.shape;
  if (bh !== ph || bw !== pw) b = net.padEnd(b, [0, 0, ph - bh, pw - bw]);
  if (pc !== bc) pooled = net.padEnd(pooled, [0, bc - pc, 0, 0]);
  return net.relu(net.binary('Add', pooled, b));
}

export function buildFaceEmbedding(weights: WeightMap): ModelProto {
  const net = new OnnxNet({
    name: 'face-embedding',
    weights,
    docString:
      'face-api face recognition ResNet. input: [N,3,150,150] RGB 0..255 (face crop padded to a centred square); ' +
      'embedding: [N,128] raw descriptor (not L2-normalised).',
  });
  const input = net.input('input', [1, 3, EMBEDDING_INPUT_SIZE, EMBEDDING_INPUT_SIZE]);
  let x = net.normalise(input, FACE_MEAN_RGB, 255);
  x = net.relu(convScale(net, x, 'conv32_down', 2, 'valid'));
  x = net.pool('MaxPool', x, 3, 2, 'valid');
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(net, x, block);
  x = residualDown(net, x, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(net, x, block);
  x = residualDown(net, x, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) x = residual(net, x, block);
  x = residualDown(net, x, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) x = residual(net, x, block);
  x = residualDown(net, x, 'conv256_down_out');
  const pooled = net.unary('GlobalAveragePool', x);
  const [n = 1, c = 0] = x.shape;
  const flat = net.reshape({ name: pooled.name, shape: [n, c, 1, 1] }, [n, c]);
  net.output(net.matmul(flat, net.w('fc')), 'embedding');
  net.g.meta(
    'normalisation',
    '(x - [122.782,117.001,104.298]) / 255 (in graph); input RGB 0..255 NCHW',
  );
  net.g.meta('layout', 'NCHW');
  return net.g.toModel();
}
