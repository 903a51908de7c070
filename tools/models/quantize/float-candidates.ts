// Which layers are worth trying in float. Only parts of the graph with no int8 op after them:
// a single float layer between Q/DQ pairs is quantised again by onnxruntime (its weight
// quantisation pass turns DQ→Conv(float)→Q into QLinearConv), so it would not stay float.
import type { ModelProto, NodeProto } from './onnx-io.js';
import { WEIGHTED_OPS } from './qdq-plan.js';

export interface FloatCandidate {
  /** e.g. "last 20 % of layers", "faceflag branch". */
  label: string;
  nodes: string[];
}

/** Everything from the last 20 % / 10 % of the weighted layers on: late layers carry the widest
 * activation ranges (blazeface's reach ±2000) and, at low resolution, cost little in float. */
function tails(nodes: NodeProto[]): FloatCandidate[] {
  const weighted = nodes.flatMap((node, i) => (WEIGHTED_OPS.has(node.opType ?? '') ? [i] : []));
  return [20, 10].map((percent) => {
    const start = weighted[Math.floor((weighted.length * (100 - percent)) / 100)] ?? nodes.length;
    return {
      label: `last ${percent} % of layers`,
      nodes: nodes.slice(start).map((node) => node.name ?? ''),
    };
  });
}

/**
 * The nodes that feed one output and no other: a small head such as FaceMesh's face-presence
 * branch, whose sigmoid decides whether a face is kept, can be worth its float cost.
 */
function exclusiveBranches(model: ModelProto): FloatCandidate[] {
  const nodes = model.graph?.node ?? [];
  const outputs = (model.graph?.output ?? []).map((o) => o.name ?? '');
  if (outputs.length < 2) return [];
  const consumers = new Map<string, NodeProto[]>();
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      consumers.set(input, [...(consumers.get(input) ?? []), node]);
    }
  }
  // Which outputs each node reaches, decided consumers-first (nodes are topologically sorted).
  const reach = new Map<NodeProto, Set<string>>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i] as NodeProto;
    const reached = new Set<string>();
    for (const output of node.output ?? []) {
      if (outputs.includes(output)) reached.add(output);
      for (const c of consumers.get(output) ?? [])
        for (const o of reach.get(c) ?? []) reached.add(o);
    }
    reach.set(node, reached);
  }
  return outputs.flatMap((output) => {
    const branch = nodes.filter((n) => {
      const r = reach.get(n);
      return r?.size === 1 && r.has(output);
    });
    const weighted = branch.filter((n) => WEIGHTED_OPS.has(n.opType ?? '')).length;
    // Only small branches: a big one is most of the model.
    if (weighted === 0 || branch.length > nodes.length / 4) return [];
    return [{ label: `${output} branch`, nodes: branch.map((n) => n.name ?? '') }];
  });
}

export function floatCandidates(model: ModelProto): FloatCandidate[] {
  return [...tails(model.graph?.node ?? []), ...exclusiveBranches(model)];
}
