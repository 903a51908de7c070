// Checks what onnxruntime actually runs: it optimises the QDQ model, writes the optimised graph
// and we count the int8 kernels it fused (QLinearConv, QGemm, …) against float compute ops left.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel } from './onnx-io.js';

const INT8_KERNELS = new Set([
  'QLinearConv',
  'QLinearMatMul',
  'MatMulInteger',
  'MatMulIntegerToFloat',
  'ConvInteger',
  'QGemm',
  'QLinearAdd',
  'QLinearMul',
  'QLinearConcat',
  'QLinearAveragePool',
  'QLinearGlobalAveragePool',
  'QLinearSigmoid',
  'QLinearLeakyRelu',
  'QLinearSoftmax',
  'DynamicQuantizeMatMul',
]);
const FLOAT_COMPUTE = new Set([
  'Conv',
  'ConvTranspose',
  'Gemm',
  'MatMul',
  'FusedConv',
  'FusedGemm',
  'FusedMatMul',
  'NhwcFusedConv',
]);

export interface FusedOpCount {
  /** Every op type in the optimised graph with its count, sorted by name. */
  ops: Record<string, number>;
  int8Kernels: number;
  floatCompute: number;
  quantizeLinear: number;
  dequantizeLinear: number;
}

export async function countFusedOps(modelBytes: Uint8Array): Promise<FusedOpCount> {
  const dir = mkdtempSync(join(tmpdir(), 'classpulse-fused-'));
  const path = join(dir, 'optimized.onnx');
  try {
    const session = await ort.InferenceSession.create(modelBytes, {
      graphOptimizationLevel: 'all',
      // Saving a graph with hardware-specific (NCHWc) rewrites warns; the count is all we want.
      logSeverityLevel: 3,
      optimizedModelFilePath: path,
      intraOpNumThreads: 1,
    });
    await session.release();
    const graph = decodeModel(readFileSync(path)).graph;
    const counts = new Map<string, number>();
    for (const node of graph?.node ?? []) {
      const op = node.opType ?? '?';
      counts.set(op, (counts.get(op) ?? 0) + 1);
    }
    const ops = Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
    const sumOf = (set: Set<string>) =>
      [...counts].filter(([op]) => set.has(op)).reduce((a, [, n]) => a + n, 0);
    return {
      ops,
      int8Kernels: sumOf(INT8_KERNELS),
      floatCompute: sumOf(FLOAT_COMPUTE),
      quantizeLinear: counts.get('QuantizeLinear') ?? 0,
      dequantizeLinear: counts.get('DequantizeLinear') ?? 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
