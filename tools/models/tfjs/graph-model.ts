// Reads a TFJS graph model (model.json: `modelTopology` = TF GraphDef as JSON, `weightsManifest`)
// into plain nodes + named weights, with helpers to decode GraphDef attributes.
import { readFile } from 'node:fs/promises';
import { type NamedTensor, readWeights, type WeightMap } from './weights.js';

/** A GraphDef AttrValue as the TF JSON printer writes it (int64 as strings, bytes as base64). */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: (string | number)[]; f?: number[] };
  shape?: { dim?: { size?: string | number }[] };
  tensor?: unknown;
}

export interface TfNode {
  name: string;
  op: string;
  /** Data inputs only ("node" or "node:k"); control inputs ("^node") are dropped. */
  inputs: string[];
  attr: Record<string, TfAttr>;
}

export interface TfTensorRef {
  node: string;
  index: number;
}

export interface TfGraphModel {
  path: string;
  nodes: Map<string, TfNode>;
  weights: WeightMap;
  /** Signature outputs in the order the model declares them: TF tensor name -> signature key. */
  signatureOutputs: { tensor: string; key: string }[];
  /** The raw model.json, for loading the same model into tfjs for parity checks. */
  json: GraphModelJson;
}

export interface GraphModelJson {
  modelTopology: { node: RawNode[] };
  weightsManifest: unknown[];
  signature?: Signature;
  userDefinedMetadata?: { signature?: Signature };
}

interface RawNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface Signature {
  outputs?: Record<string, { name: string }>;
}

export async function readGraphModel(modelJsonPath: string): Promise<TfGraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as GraphModelJson;
  if (!json.modelTopology?.node) {
    throw new Error(`${modelJsonPath}: not a TFJS graph model (no modelTopology.node)`);
  }
  const nodes = new Map<string, TfNode>();
  for (const raw of json.modelTopology.node) {
    if (nodes.has(raw.name))
      throw new Error(`${modelJsonPath}: node name ${raw.name} is defined twice`);
    nodes.set(raw.name, {
      name: raw.name,
      op: raw.op,
      inputs: (raw.input ?? []).filter((i) => !i.startsWith('^')),
      attr: raw.attr ?? {},
    });
  }
  const signature = json.signature ?? json.userDefinedMetadata?.signature;
  const signatureOutputs = Object.entries(signature?.outputs ?? {}).map(([key, v]) => ({
    key,
    tensor: v.name,
  }));
  return {
    path: modelJsonPath,
    nodes,
    weights: await readWeights(modelJsonPath),
    signatureOutputs,
    json,
  };
}

/** "conv/Relu:1" -> { node: "conv/Relu", index: 1 }; no suffix means output 0. */
export function parseTensorRef(ref: string): TfTensorRef {
  const m = /^(.*):(\d+)$/.exec(ref);
  if (!m) return { node: ref, index: 0 };
  return { node: m[1] ?? ref, index: Number(m[2]) };
}

const decodeBytes = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

export function attrString(node: TfNode, key: string, fallback?: string): string {
  const s = node.attr[key]?.s;
  if (s === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${node.op} node ${node.name}: missing string attribute ${key}`);
  }
  return decodeBytes(s);
}

export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr[key]?.list?.s ?? []).map(decodeBytes);
}

export function attrInts(node: TfNode, key: string, fallback?: number[]): number[] {
  const list = node.attr[key]?.list?.i;
  if (list === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${node.op} node ${node.name}: missing int-list attribute ${key}`);
  }
  return list.map(Number);
}

export function attrInt(node: TfNode, key: string, fallback: number): number {
  const i = node.attr[key]?.i;
  return i === undefined ? fallback : Number(i);
}

export function attrFloat(node: TfNode, key: string, fallback: number): number {
  return node.attr[key]?.f ?? fallback;
}

export function attrBool(node: TfNode, key: string, fallback: boolean): boolean {
  return node.attr[key]?.b ?? fallback;
}

/** Shape of a Placeholder (-1 for unknown dims). */
export function placeholderShape(node: TfNode): number[] {
  const dims = node.attr.shape?.shape?.dim;
  if (!dims) throw new Error(`Placeholder ${node.name}: no static shape`);
  return dims.map((d) => Number(d.size ?? -1));
}

/** The weight tensor a Const node names; a clear error when the manifest lacks it. */
export function constTensor(model: TfGraphModel, node: TfNode): NamedTensor {
  const t = model.weights.get(node.name);
  if (!t)
    throw new Error(
      `Const ${node.name}: no weights in ${model.path} (inline constants unsupported)`,
    );
  return t;
}
