/**
 * face-api's expression net (FaceFeatureExtractor dense blocks + FC) as ONNX.
 *
 * Input  `input`          [N, 3, 112, 112] float32, RGB, 0..255. The graph applies
 *        (x - [122.782, 117.001, 104.298]) / 255. The caller crops the face, pads it
 *        to a centred square (toBatchTensor(112, true)) and resizes.
 * Output `logits`         [N, 7].
 * Output `probabilities`  [N, 7] softmax. Class order is face-api's
 *        FACE_EXPRESSION_LABELS: neutral, happy, sad, angry, fearful, disgusted,
 *        surprised — identical to EXPRESSIONS in src/pipeline/types.ts, no remap.
 */
import type { ModelProto } from '../onnx/proto.js';
import type { WeightMap } from '../tfjs/weights.js';
import { FACE_MEAN_RGB } from './face-embedding.js';
import { OnnxNet, type Sym } from './onnx-net.js';

export const EXPRESSION_INPUT_SIZE = 112;
export const FACE_API_EXPRESSION_ORDER = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgusted',
  'surprised',
] as const;

/**
 * face-api's denseBlock4: four convs where each input is the relu'd sum of all
 * earlier outputs; the first conv halves the resolution.
 */
function denseBlock4(net: OnnxNet, x: Sym, prefix: string, isFirst: boolean): Sym {
  const out1 = net.relu(
    isFirst
      ? net.conv(x, {
          filter: net.w(`${prefix}/conv0/filters`),
          bias: net.w(`${prefix}/conv0/bias`).data,
          strideHw: 2,
          padding: 'same',
        })
      : net.separable(x, `${prefix}/conv0`, 2, 'same'),
  );
  const out2 = net.separable(out1, `${prefix}/conv1`, 1, 'same');
  const in3 = net.relu(net.binary('Add', out1, out2));
  const out3 = net.separable(in3, `${prefix}/conv2`, 1, 'same');
  // Same association order as face-api (out1 + (out2 + out3)) so float sums match.
  const in4 = net.relu(net.binary('Add', out1, net.binary('Add', out2, out3)));
  const out4 = net.separable(in4, `${prefix}/conv3`, 1, 'same');
  return net.relu(net.binary('Add', out1, net.binary('Add', out2, net.binary('Add', out3, out4))));
}

export function buildExpression(weights: WeightMap): ModelProto {
  const net = new OnnxNet({
    name: 'expression',
    weights,
    docString:
      'face-api expression net. input: [N,3,112,112] RGB 0..255 (face crop padded to a centred square); ' +
      'logits/probabilities: [N,7] neutral,happy,sad,angry,fearful,disgusted,surprised.',
  });
  const input = net.input('input', [1, 3, EXPRESSION_INPUT_SIZE, EXPRESSION_INPUT_SIZE]);
  let x = net.normalise(input, FACE_MEAN_RGB, 255);
  x = denseBlock4(net, x, 'dense0', true);
  x = denseBlock4(net, x, 'dense1', false);
  x = denseBlock4(net, x, 'dense2', false);
  x = denseBlock4(net, x, 'dense3', false);
  x = net.pool('AveragePool', x, 7, 2, 'valid');
  const [n = 1, c = 0] = x.shape;
  const flat = net.reshape(x, [n, c]);
  const logits = net.matmul(flat, net.w('fc/weights'), net.w('fc/bias').data);
  net.output(logits, 'logits');
  net.output(net.unary('Softmax', logits, { axis: 1 }), 'probabilities');
  net.g.meta(
    'normalisation',
    '(x - [122.782,117.001,104.298]) / 255 (in graph); input RGB 0..255 NCHW',
  );
  net.g.meta('labels', FACE_API_EXPRESSION_ORDER.join(','));
  net.g.meta('layout', 'NCHW');
  return net.g.toModel();
}
