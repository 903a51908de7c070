// The bench's result: one JSON object (the last stdout line with --json) and the same numbers as
// text tables. Every key is documented in docs/performance.md.
import type { Agreement } from './agreement.js';
import type { ScaleReport } from './classroom-scale.js';
import type { Spread } from './stats.js';
import type { TfjsComparison } from './tfjs-compare.js';

export interface StageRow {
  scene: string;
  frames: number;
  /** Faces the pipeline reported per frame (median). */
  faces: number;
  /** Median ms per pipeline stage (detect, mesh, iris, geometry, reid, expression, total, track). */
  stagesMs: Record<string, number>;
  endToEnd: Spread;
  /** Median ms inside onnxruntime `run` calls. */
  modelMs: number;
}

export interface FaceCountRow {
  /** Faces composited into the synthetic 1280×720 classroom. */
  faces: number;
  /** Faces the pipeline reported (median per frame). */
  found: number;
  endToEndMs: number;
  modelMs: number;
  msPerFace: number;
}

export interface BenchReport {
  version: 1;
  quick: boolean;
  machine: { cpus: number; model: string; loadAverage1m: number; node: string };
  config: {
    threads: number;
    detector: string;
    intervalFrames: number;
    maxIntervalFrames: number;
    floatModels: string;
    classroomTiles: number;
  };
  ratios: {
    int8VsFp32: number;
    int8NoFloatVsFp32: number;
    vsTfjsReference: number;
    vsFaceApi: number;
    reuseVsNaive10Faces: number;
    overheadVsModelTime: number;
  };
  targets: Record<string, { target: string; met: boolean }>;
  stages: StageRow[];
  faceCounts: FaceCountRow[];
  precision: {
    medianMs: Record<string, number>;
    agreement: { int8: Agreement; int8NoFloat: Agreement };
  };
  tfjs: TfjsComparison;
  reuse: {
    naiveMs: number;
    reuseMs: number;
    naiveReidMs: number;
    reuseReidMs: number;
    /** Frames (after warm-up) on which each side ran the detector. */
    naiveDetectFrames: number;
    reuseDetectFrames: number;
  };
  /** Paired frames left out of int8VsFp32 / reuseVsNaive10Faces: only one side detected. */
  cadenceMismatchFrames: { int8VsFp32: number; reuseVsNaive10Faces: number };
  rssMb: { steady: number; peak: number; afterTfjs: number };
  /** Classroom scale: one lane vs the inference pool on the same frames (classroom-scale.ts). */
  scale: ScaleReport;
  /** Back-row faces (30-60 px) the configured detector finds on the recall composite. */
  classroomRecallDefault: {
    found: number;
    expected: number;
    falseHits: number;
    frontFound: number;
    frontExpected: number;
    msPerRun: number;
  };
  wallS: number;
}

/** Targets of the ratios; steady RSS is judged on the daemon itself by `npm run soak`. */
export function targetsOf(
  r: BenchReport['ratios'],
  scale: Pick<ScaleReport, 'classroom30Fps' | 'workersSpeedup' | 'eventLoopP99Ms'>,
  recall: { found: number; expected: number; falseHits: number },
): BenchReport['targets'] {
  return {
    classroomRecallDefault: {
      target: `>= ${recall.expected - 1}/${recall.expected}, 0 false hits`,
      met: recall.found >= recall.expected - 1 && recall.falseHits === 0,
    },
    classroom30Fps: { target: '>= 10', met: scale.classroom30Fps >= 10 },
    workersSpeedup: { target: '>= 1.7', met: scale.workersSpeedup >= 1.7 },
    eventLoopP99Ms: { target: '<= 20', met: scale.eventLoopP99Ms <= 20 },
    int8VsFp32: { target: '>= 2', met: r.int8VsFp32 >= 2 },
    vsTfjsReference: { target: '>= 10', met: r.vsTfjsReference >= 10 },
    overheadVsModelTime: { target: '<= 1.2', met: r.overheadVsModelTime <= 1.2 },
    reuseVsNaive10Faces: { target: '>= 3', met: r.reuseVsNaive10Faces >= 3 },
  };
}

function table(head: string[], rows: Array<Array<string | number | boolean>>): string {
  const lines = [head, head.map(() => '---'), ...rows.map((r) => r.map(String))];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Markdown tables for a terminal (and to paste into docs/performance.md). */
export function formatReport(r: BenchReport): string {
  const stageNames = ['detect', 'mesh', 'iris', 'geometry', 'reid', 'expression', 'track'];
  const out = [
    `classpulse bench${r.quick ? ' --quick' : ''}: ${r.machine.cpus}× ${r.machine.model}, load ${r.machine.loadAverage1m}, ${r.wallS} s`,
    '',
    table(
      ['ratio', 'value', 'target', 'met'],
      Object.entries(r.ratios).map(([k, v]) => [
        k,
        v,
        r.targets[k]?.target ?? '',
        r.targets[k]?.met ?? '',
      ]),
    ),
    '',
    table(
      ['scene (int8)', 'faces', ...stageNames, 'model', 'end-to-end (p90)'],
      r.stages.map((s) => [
        s.scene,
        s.faces,
        ...stageNames.map((n) => s.stagesMs[n] ?? 0),
        s.modelMs,
        `${s.endToEnd.medianMs} (${s.endToEnd.p90Ms})`,
      ]),
    ),
    '',
    table(
      ['faces', 'found', 'end-to-end ms', 'model ms', 'ms per face'],
      r.faceCounts.map((f) => [f.faces, f.found, f.endToEndMs, f.modelMs, f.msPerFace]),
    ),
    '',
    table(
      ['classroom scale', 'value', 'target', 'met'],
      (['classroom30Fps', 'facesAt10Fps', 'workersSpeedup', 'eventLoopP99Ms'] as const).map((k) => [
        k,
        r.scale[k],
        r.targets[k]?.target ?? '',
        r.targets[k]?.met ?? '',
      ]),
    ),
    '',
    table(
      ['faces', 'found (pool)', 'one lane ms', `pool ms (${r.scale.workers} workers)`, 'pool fps'],
      r.scale.rows.map((row) => [row.faces, row.found, row.laneMs, row.poolMs, row.poolFps]),
    ),
    '',
    `reuse at 10 faces: naive ${r.reuse.naiveMs} ms (embeddings ${r.reuse.naiveReidMs} ms) vs reuse ${r.reuse.reuseMs} ms (${r.reuse.reuseReidMs} ms); detector frames ${r.reuse.naiveDetectFrames} vs ${r.reuse.reuseDetectFrames}; frames left out for unequal detection: ${r.cadenceMismatchFrames.int8VsFp32} (precision), ${r.cadenceMismatchFrames.reuseVsNaive10Faces} (reuse)`,
    `tfjs (one face, every model every frame): ours BlazeFace ${r.tfjs.oursBlazeFaceMs} ms vs human ${r.tfjs.humanMs} ms; ours SSD ${r.tfjs.oursSsdMs} ms vs face-api ${r.tfjs.faceApiMs} ms`,
    `RSS: steady ${r.rssMb.steady} MB, peak ${r.rssMb.peak} MB (bench process, several model sets loaded), ${r.rssMb.afterTfjs} MB after tfjs`,
  ];
  return out.join('\n');
}
