/**
 * Writes the int8-vs-fp32 tables of docs/models.md (between the "generated" markers): quantisation
 * choices and onnxruntime fusion from the manifest, parity on the evaluation pictures, latency.
 *   npx tsx tools/models/parity/report.ts [--runs N]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { readManifest } from '../manifest.js';
import { type LatencyRow, measureLatency } from './measure-latency.js';
import { measureParity, type ParityReport } from './measure-parity.js';
import { evaluationImages, openStores } from './sources.js';

const DOC = 'docs/models.md';
const BEGIN = '<!-- generated:int8-report (tools/models/parity/report.ts) -->';
const END = '<!-- /generated:int8-report -->';

const f = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const pass = (ok: boolean) => (ok ? 'yes' : '**no**');

function quantisationTable(dir: string): string[] {
  const manifest = readManifest(dir);
  const lines = [
    '| model | calibration chosen | float-kept layers | int8 kernels after ORT fusion | float Conv/Gemm left |',
    '|---|---|---|---|---|',
  ];
  for (const m of Object.values(manifest?.models ?? {})) {
    const q = m.quantisation as
      | {
          chosen?: string;
          floatKeptLayers?: string[] | string;
          floatKeptWhy?: string;
          onnxruntimeFused?: { int8Kernels: number; floatConvGemm: number };
        }
      | undefined;
    if (!q) continue;
    const layers = Array.isArray(q.floatKeptLayers) ? q.floatKeptLayers : [];
    const kept =
      layers.length === 0
        ? 'none'
        : `${q.floatKeptWhy ?? `from ${layers[0]}`} (${layers.length} nodes)`;
    lines.push(
      `| ${m.name} | ${q.chosen?.replace(/ float.*/, '')} | ${kept} | ${q.onnxruntimeFused?.int8Kernels} | ${q.onnxruntimeFused?.floatConvGemm} |`,
    );
  }
  return lines;
}

function parityTable(report: ParityReport): string[] {
  const lines = [
    `Evaluation pictures: face-api demo sample1-6.jpg (${report.images} pictures), each int8 model swapped in alone.`,
    '',
    '| model | measure | int8 vs fp32 | target | met |',
    '|---|---|---|---|---|',
  ];
  for (const d of report.detectors) {
    lines.push(
      `| ${d.model} | faces (fp32 / int8), mean IoU (min) | ${d.facesFp32} / ${d.facesInt8}, ${f(d.meanIou, 3)} (${f(d.minIou, 3)}) | same count, IoU ≥ 0.95 | ${pass(d.facesFp32 === d.facesInt8 && d.meanIou >= 0.95)} |`,
    );
  }
  for (const l of report.landmarks) {
    const what = l.model === 'facemesh' ? '468 mesh points' : 'eye contours + iris points';
    lines.push(
      `| ${l.model} | ${what}: mean shift (max face) in % of inter-ocular distance, ${l.faces} faces | ${f(l.meanShiftIod * 100, 2)} % (${f(l.maxShiftIod * 100, 2)} %)${l.presenceMismatches ? `, ${l.presenceMismatches} faces dropped` : ''} | ≤ 1 % | ${pass(l.meanShiftIod <= 0.01 && l.presenceMismatches === 0)} |`,
    );
  }
  const e = report.embedding;
  lines.push(
    `| face-embedding | cosine to fp32, mean (min), ${e.faces} faces | ${f(e.meanCosine, 4)} (${f(e.minCosine, 4)}) | ≥ 0.99 | ${pass(e.meanCosine >= 0.99)} |`,
  );
  const x = report.expression;
  lines.push(
    `| expression | top-1 agreement, ${x.faces} faces | ${f(x.agreement * 100, 1)} % | ≥ 95 % | ${pass(x.agreement >= 0.95)} |`,
  );
  return lines;
}

function latencyTable(rows: LatencyRow[], runs: number): string[] {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `Median of ${runs} alternating runs per precision, batch 1, on this build machine (${cpu}, ${cpus().length} cores shared with other work), not a Raspberry Pi: ratios matter more than milliseconds.`,
    '',
    '| model | threads | fp32 ms | int8 ms | speed-up | ≥ 1.5× |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${r.threads} | ${f(r.fp32Ms, 1)} | ${f(r.int8Ms, 1)} | ${f(r.speedup, 2)}× | ${pass(r.speedup >= 1.5)} |`,
    );
  }
  return lines;
}

export async function writeReport(dir: string, runs: number): Promise<string> {
  const stores = openStores(dir, 2);
  const parity = await measureParity(stores, evaluationImages());
  await stores.fp32.close();
  await stores.int8.close();
  const models = Object.keys(readManifest(dir)?.models ?? {});
  const latency = await measureLatency({ dir, models, threads: [1, 2], runs });
  const body = [
    BEGIN,
    '',
    '### Quantisation chosen per model',
    '',
    ...quantisationTable(dir),
    '',
    '### Parity, int8 against fp32',
    '',
    ...parityTable(parity),
    '',
    '### Latency, fp32 against int8',
    '',
    ...latencyTable(latency, runs),
    '',
    END,
  ].join('\n');
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${DOC}: report markers missing`);
  writeFileSync(DOC, doc.slice(0, start) + body + doc.slice(end + END.length));
  return body;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
  process.stdout.write(`${await writeReport('models', runs)}\n`);
}
