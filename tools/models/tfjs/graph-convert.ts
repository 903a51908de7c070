/**
 * TFJS graph model -> ONNX (opset 13), NCHW inside.
 *
 * Layout contract of the files this writes:
 * - a rank-4 image input is NCHW float32 `[batch, C, H, W]` (TF's NHWC placeholder, transposed);
 *   the batch dimension is symbolic ('batch') where the TF placeholder leaves it open;
 * - activations stay NCHW between convolutions; ops that depend on axis order either remap their
 *   axes (Concat, Pad, Mean over H/W, broadcast constants) or get a Transpose back to TF order;
 * - every output has exactly the shape and axis order of the TF output (e.g. iris [batch, 1, 1, 228]),
 *   so post-processing code written for the TFJS model applies unchanged.
 * Ops missing from the table are reported all at once, each with the node that uses it.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { ModelProto } from '../onnx/proto.js';
import { ConvertContext } from './graph-context.js';
import type { Value } from './graph-layout.js';
import {
  constTensor,
  parseTensorRef,
  placeholderShape,
  type TfGraphModel,
  type TfNode,
} from './graph-model.js';
import { OP_TABLE } from './graph-ops.js';

export interface GraphOutput {
  /** TF tensor, e.g. "Identity_2:0" or "Identity_2". */
  tensor: string;
  /** Name of the ONNX graph output. */
  name: string;
}

export interface GraphConvertOptions {
  model: TfGraphModel;
  name: string;
  /** ONNX name of the image input; defaults to 'input'. */
  inputName?: string;
  /** Outputs in order; defaults to the signature outputs under their signature keys. */
  outputs?: GraphOutput[];
  /** Extra metadata_props (source, normalisation, ...). */
  metadata?: Record<string, string>;
  opset?: number;
  /**
   * Make a rank-4 input's fixed batch of 1 symbolic, so several images run in one call. Reshape
   * targets that start with that 1 then copy the real batch (ONNX Reshape 0). Only for models whose
   * reshapes are per image, which the caller vouches for (and parity checks at batch > 1).
   */
  freeBatch?: boolean;
}

export function convertGraphModel(options: GraphConvertOptions): ModelProto {
  const { model } = options;
  const outputs = options.outputs ?? defaultOutputs(model);
  if (outputs.length === 0) throw new Error(`${model.path}: no outputs given and no signature`);
  const order = topologicalOrder(
    model,
    outputs.map((o) => parseTensorRef(o.tensor).node),
  );
  const unsupported = order.filter(
    (n) => !OP_TABLE[n.op] && n.op !== 'Const' && n.op !== 'Placeholder',
  );
  if (unsupported.length > 0) {
    const list = unsupported.map((n) => `${n.op} (node ${n.name})`).join(', ');
    throw new Error(`${model.path}: TF ops without an ONNX converter: ${list}`);
  }

  const builder = new GraphBuilder({ name: options.name, opset: options.opset ?? 13 });
  const freeBatch = options.freeBatch ?? false;
  const ctx = new ConvertContext({ builder, model, freeBatch });
  let placeholders = 0;
  for (const node of order) {
    if (node.op === 'Const') {
      const t = constTensor(model, node);
      ctx.set(node.name, 0, { name: '', layout: 'tf', shape: t.shape, constant: t });
    } else if (node.op === 'Placeholder') {
      if (placeholders++ > 0)
        throw new Error(`${model.path}: more than one input is not supported`);
      ctx.set(node.name, 0, addInput(builder, node, options.inputName ?? 'input', freeBatch));
    } else {
      const convert = OP_TABLE[node.op];
      if (!convert) throw new Error(`TF op ${node.op} (node ${node.name}) has no ONNX converter`);
      convert(ctx, node).forEach((v, i) => {
        ctx.set(node.name, i, v);
      });
    }
  }

  for (const out of outputs) {
    const v = ctx.value(out.tensor);
    builder.node('Identity', [ctx.tf(v)], [out.name]);
    builder.output(out.name, symbolic(v.shape));
  }
  builder.meta('converted_by', 'classpulse tools/models/tfjs/graph-convert.ts');
  builder.meta('input_layout', 'NCHW');
  builder.meta('output_layout', 'as the TF model (TF axis order)');
  for (const [k, v] of Object.entries(options.metadata ?? {})) builder.meta(k, v);
  return builder.toModel();
}

function defaultOutputs(model: TfGraphModel): GraphOutput[] {
  return model.signatureOutputs.map((o) => ({
    tensor: o.tensor,
    name: o.key.replace(/:\d+$/, '').replace(/[^A-Za-z0-9_]/g, '_'),
  }));
}

function symbolic(shape: number[]): (number | string)[] {
  return shape.map((d, i) => (d >= 0 ? d : i === 0 ? 'batch' : `d${i}`));
}

function addInput(builder: GraphBuilder, node: TfNode, name: string, freeBatch: boolean): Value {
  const shape = placeholderShape(node);
  if (freeBatch && shape.length === 4) shape[0] = -1;
  if (shape.length === 4) {
    const [n = -1, h = -1, w = -1, c = -1] = shape;
    builder.input(name, symbolic([n, c, h, w]));
    return { name, layout: 'nchw', shape };
  }
  builder.input(name, symbolic(shape));
  return { name, layout: 'tf', shape };
}

/** Nodes the outputs depend on, each after its inputs (iterative DFS: no recursion limit). */
function topologicalOrder(model: TfGraphModel, roots: string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: { name: string; expanded: boolean }[] = roots.map((name) => ({
    name,
    expanded: false,
  }));
  while (stack.length > 0) {
    const top = stack.pop();
    if (!top || state.get(top.name) === 'done') continue;
    const node = model.nodes.get(top.name);
    if (!node) throw new Error(`${model.path}: node ${top.name} is referenced but not defined`);
    if (top.expanded) {
      state.set(top.name, 'done');
      order.push(node);
      continue;
    }
    if (state.get(top.name) === 'open') {
      throw new Error(
        `${model.path}: cycle at node ${top.name} (TF control flow such as while-loops is not supported)`,
      );
    }
    state.set(top.name, 'open');
    stack.push({ name: top.name, expanded: true });
    for (const ref of node.inputs) {
      const dep = parseTensorRef(ref).node;
      if (state.get(dep) !== 'done') stack.push({ name: dep, expanded: false });
    }
  }
  return order;
}
