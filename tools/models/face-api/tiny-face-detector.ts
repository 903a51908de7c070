/**
 * face-api's tiny face detector (a Tiny-YOLOv2 variant with separable convs) as
 * ONNX, with face-api's YOLO box decode baked in so its outputs match the SSD
 * detector's: one post-processing path serves both.
 *
 * Input  `input`  [N, 3, 416, 416] float32, RGB, 0..255. The graph applies
 *        (x - [117.001, 114.697, 97.404]) / 255. The caller pads the frame to a
 *        square at the bottom/right (toBatchTensor(416, false)) and resizes.
 * Output `boxes`  [N, 845, 4] (ymin, xmin, ymax, xmax) in 0..1 of the padded
 *        square, ordered (row, col, anchor) over the 13x13 grid and 5 anchors.
 * Output `scores` [N, 845] sigmoid objectness (single class, no class softmax).
 * face-api keeps scores > 0.5 and runs NMS at IoU 0.4.
 */
import type { ModelProto } from '../onnx/proto.js';
import type { WeightMap } from '../tfjs/weights.js';
import { OnnxNet, type Sym } from './onnx-net.js';

export const TINY_INPUT_SIZE = 416;
const TINY_MEAN_RGB = [117.001, 114.697, 97.404];
/** face-api tinyFaceDetector/const.ts BOX_ANCHORS, in grid cells (width x, height y). */
const ANCHORS = [
  { x: 1.603231, y: 2.094468 },
  { x: 6.041143, y: 7.080126 },
  { x: 2.882459, y: 3.518061 },
  { x: 4.266906, y: 5.178857 },
  { x: 9.041765, y: 10.66308 },
];

function sepLeaky(net: OnnxNet, x: Sym, prefix: string): Sym {
  return net.leaky(net.separable(x, prefix, 1, 'same'));
}

/** Turns the [1, 25, S, S] head into boxes/scores exactly as TinyYolov2Base.extractBoxes. */
function decode(net: OnnxNet, head: Sym): { boxes: Sym; scores: Sym } {
  const [, , cells = 0] = head.shape;
  const a = ANCHORS.length;
  const grid = net.reshape(net.transpose(head, [0, 2, 3, 1]), [1, cells, cells, a, 5]);
  const offsets = new Float32Array(cells * cells * a * 2);
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (let k = 0; k < a; k++) {
        const at = ((row * cells + col) * a + k) * 2;
        offsets[at] = col;
        offsets[at + 1] = row;
      }
    }
  }
  const cellOffset = net.g.initializer('cell_offset', offsets, [1, cells, cells, a, 2]);
  const anchorWh = net.g.initializer(
    'anchor_wh',
    Float32Array.from(ANCHORS.flatMap((p) => [p.x, p.y])),
    [1, 1, 1, a, 2],
  );
  const cellCount = net.g.float([cells]);
  const centre = net.binary(
    'Div',
    net.binary('Add', net.unary('Sigmoid', net.slice(grid, 4, 0, 2)), cellOffset),
    cellCount,
  );
  const size = net.binary(
    'Div',
    net.binary('Mul', net.unary('Exp', net.slice(grid, 4, 2, 4)), anchorWh),
    cellCount,
  );
  const half = net.binary('Div', size, net.g.float([2]));
  const xyxy = net.concat([net.binary('Sub', centre, half), net.binary('Add', centre, half)], 4);
  // (x0, y0, x1, y1) -> (y0, x0, y1, x1), the SSD output convention.
  const [yxyx] = net.g.node('Gather', [xyxy.name, net.g.int64([1, 0, 3, 2])], 1, { axis: 4 });
  const n = cells * cells * a;
  const boxes = net.reshape({ name: yxyx ?? '', shape: xyxy.shape }, [1, n, 4]);
  const scores = net.unary('Sigmoid', net.reshape(net.slice(grid, 4, 4, 5), [1, n]));
  return { boxes, scores };
}

export function buildTinyFaceDetector(weights: WeightMap): ModelProto {
  const net = new OnnxNet({
    name: 'tiny-face-detector',
    weights,
    docString:
      'face-api tiny face detector. input: [N,3,416,416] RGB 0..255 (padded bottom/right to square). ' +
      'boxes: [N,845,4] ymin,xmin,ymax,xmax in 0..1; scores: [N,845] sigmoid.',
  });
  const input = net.input('input', [1, 3, TINY_INPUT_SIZE, TINY_INPUT_SIZE]);
  let x = net.normalise(input, TINY_MEAN_RGB, 255);
  x = net.leaky(
    net.conv(x, {
      filter: net.w('conv0/filters'),
      bias: net.w('conv0/bias').data,
      padding: 'valid',
    }),
  );
  for (const layer of ['conv1', 'conv2', 'conv3', 'conv4', 'conv5']) {
    x = net.pool('MaxPool', x, 2, 2, 'same');
    x = sepLeaky(net, x, layer);
  }
  x = net.pool('MaxPool', x, 2, 1, 'same');
  const head = net.conv(x, {
    filter: net.w('conv8/filters'),
    bias: net.w('conv8/bias').data,
    padding: 'valid',
  });
  const { boxes, scores } = decode(net, head);
  net.output(boxes, 'boxes');
  net.output(scores, 'scores');
  net.g.meta(
    'normalisation',
    '(x - [117.001,114.697,97.404]) / 255 (in graph); input RGB 0..255 NCHW',
  );
  net.g.meta('layout', 'NCHW');
  return net.g.toModel();
}
