/**
 * face-api's SSD MobileNetV1 face detector as ONNX, with face-api's box decode
 * baked in (it is a handful of element-wise ops on constant anchors).
 *
 * Input  `input`  [N, 3, 512, 512] float32, RGB, 0..255. The graph applies
 *        face-api's x / 127.5 - 1. The caller pads the frame to a square at the
 *        bottom/right (face-api's toBatchTensor(512, false)) and resizes to 512.
 * Output `boxes`  [N, 5118, 4] (ymin, xmin, ymax, xmax) in 0..1 of the padded
 *        square; scale by the square's side, clamp to 0..1 first as face-api does.
 * Output `scores` [N, 5118] sigmoid face probability per anchor.
 * The caller keeps scores > minConfidence (face-api default 0.5) and runs greedy
 * NMS at IoU 0.5, at most 100 results (see detector-decode.ts).
 */
import type { ModelProto } from '../onnx/proto.js';
import type { WeightMap } from '../tfjs/weights.js';
import { OnnxNet, type Sym } from './onnx-net.js';

export const SSD_INPUT_SIZE = 512;
export const SSD_ANCHOR_COUNT = 5118;
const BN_EPSILON = 0.0010000000474974513;

/** Conv + bias + relu6 (face-api's pointwiseConvLayer; also its 3x3 first layer). */
function pointwise(net: OnnxNet, x: Sym, prefix: string, strideHw: number): Sym {
  return net.relu6(
    net.conv(x, {
      filter: net.w(`${prefix}/weights`),
      bias: net.w(`${prefix}/convolution_bn_offset`).data,
      strideHw,
      padding: 'same',
    }),
  );
}

/** Depthwise 3x3 + BatchNorm (folded into the filter) + relu6. */
function depthwise(net: OnnxNet, x: Sym, idx: number, strideHw: number): Sym {
  const p = `MobilenetV1/Conv2d_${idx}_depthwise`;
  const gamma = net.w(`${p}/BatchNorm/gamma`).data;
  const beta = net.w(`${p}/BatchNorm/beta`).data;
  const mean = net.w(`${p}/BatchNorm/moving_mean`).data;
  const variance = net.w(`${p}/BatchNorm/moving_variance`).data;
  const scale = gamma.map((g, i) => g / Math.sqrt((variance[i] ?? 0) + BN_EPSILON));
  const bias = beta.map((b, i) => b - (mean[i] ?? 0) * (scale[i] ?? 0));
  return net.relu6(
    net.conv(x, {
      filter: net.w(`${p}/depthwise_weights`),
      scale,
      bias,
      strideHw,
      padding: 'same',
      depthwise: true,
    }),
  );
}

interface HeadOutputs {
  encodings: Sym;
  classes: Sym;
}

/** One box predictor: 1x1 convs reshaped in TF's NHWC order to [1, anchors, 4] and [1, anchors, 3]. */
function boxPredictor(net: OnnxNet, x: Sym, idx: number): HeadOutputs {
  const head = (kind: string, width: number): Sym => {
    const p = `Prediction/BoxPredictor_${idx}/${kind}`;
    const y = net.conv(x, {
      filter: net.w(`${p}/weights`),
      bias: net.w(`${p}/biases`).data,
      padding: 'same',
    });
    const nhwc = net.transpose(y, [0, 2, 3, 1]);
    const [, h = 0, w = 0, c = 0] = nhwc.shape;
    return net.reshape(nhwc, [1, (h * w * c) / width, width]);
  };
  return { encodings: head('BoxEncodingPredictor', 4), classes: head('ClassPredictor', 3) };
}

/** Anchor centres and sizes from face-api's `Output/extra_dim` (ymin, xmin, ymax, xmax). */
function anchorTerms(net: OnnxNet): { centre: string; size: string } {
  const anchors = net.w('Output/extra_dim').data;
  const n = anchors.length / 4;
  const centre = new Float32Array(n * 2);
  const size = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const lo = anchors[i * 4 + k] ?? 0;
      const s = (anchors[i * 4 + k + 2] ?? 0) - lo;
      size[i * 2 + k] = s;
      centre[i * 2 + k] = lo + s / 2;
    }
  }
  return {
    centre: net.g.initializer('anchor_centre', centre, [1, n, 2]),
    size: net.g.initializer('anchor_size', size, [1, n, 2]),
  };
}

/** face-api's decodeBoxesLayer: centre += enc/10 * size, half = exp(enc/5) * size / 2. */
function decodeBoxes(net: OnnxNet, encodings: Sym): Sym {
  const { centre, size } = anchorTerms(net);
  const offset = net.slice(encodings, 2, 0, 2);
  const logSize = net.slice(encodings, 2, 2, 4);
  const c = net.binary(
    'Add',
    net.binary('Mul', net.binary('Div', offset, net.g.float([10])), size),
    centre,
  );
  const e = net.unary('Exp', net.binary('Div', logSize, net.g.float([5])));
  const half = net.binary('Div', net.binary('Mul', e, size), net.g.float([2]));
  return net.concat([net.binary('Sub', c, half), net.binary('Add', c, half)], 2);
}

export function buildSsdMobilenetV1(weights: WeightMap): ModelProto {
  const net = new OnnxNet({
    name: 'ssd-mobilenetv1',
    weights,
    docString:
      'face-api SSD MobileNetV1 face detector. input: [N,3,512,512] RGB 0..255 (padded bottom/right to square). ' +
      'boxes: [N,5118,4] ymin,xmin,ymax,xmax in 0..1; scores: [N,5118] sigmoid.',
  });
  const input = net.input('input', [1, 3, SSD_INPUT_SIZE, SSD_INPUT_SIZE]);
  let x = net.binary('Sub', net.binary('Div', input, net.g.float([127.5])), net.g.float([1]));

  x = pointwise(net, x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11: Sym | undefined;
  for (let idx = 1; idx <= 13; idx++) {
    x = depthwise(net, x, idx, [2, 4, 6, 12].includes(idx) ? 2 : 1);
    x = pointwise(net, x, `MobilenetV1/Conv2d_${idx}_pointwise`, 1);
    if (idx === 11) conv11 = x;
  }
  if (!conv11) throw new Error('ssd-mobilenetv1: conv 11 missing');

  const extra: Sym[] = [];
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = pointwise(net, y, `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    if (i % 2 === 1) extra.push(y);
  }
  // face-api's order: conv11, backbone output, then the odd prediction convs.
  const heads = [conv11, x, ...extra].map((feature, i) => boxPredictor(net, feature, i));
  const encodings = net.concat(
    heads.map((h) => h.encodings),
    1,
  );
  const classes = net.concat(
    heads.map((h) => h.classes),
    1,
  );
  if (encodings.shape[1] !== SSD_ANCHOR_COUNT) {
    throw new Error(`ssd-mobilenetv1: ${encodings.shape[1]} anchors, expected ${SSD_ANCHOR_COUNT}`);
  }

  net.output(decodeBoxes(net, encodings), 'boxes');
  const faceLogit = net.reshape(net.slice(classes, 2, 1, 2), [1, SSD_ANCHOR_COUNT]);
  net.output(net.unary('Sigmoid', faceLogit), 'scores');
  net.g.meta('normalisation', 'x/127.5-1 (in graph); input RGB 0..255 NCHW');
  net.g.meta('layout', 'NCHW');
  return net.g.toModel();
}
