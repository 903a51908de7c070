// Accumulates the interleaved samples of the bench into the figures of the report: int8 timings
// per scene, paired per-frame ratios (fp32 ÷ int8, naive ÷ reuse, end-to-end ÷ model time),
// output agreement between precisions, and RSS samples.
import { AgreementMeter } from './agreement.js';
import type { FaceCountRow, StageRow } from './report.js';
import type { InterleavedFrame, Scene } from './scenes.js';
import { median, round, spread } from './stats.js';
import type { FrameSample, Variant } from './variants.js';

export class BenchCollector {
  readonly int8Scenes: Array<{ scene: Scene; samples: FrameSample[] }> = [];
  readonly fp32OverInt8: number[] = [];
  readonly fp32OverInt8NoFloat: number[] = [];
  readonly endToEndOverModel: number[] = [];
  readonly precisionMs: Record<'int8' | 'int8NoFloat' | 'fp32', number[]> = {
    int8: [],
    int8NoFloat: [],
    fp32: [],
  };
  readonly reuse = {
    naiveMs: [] as number[],
    reuseMs: [] as number[],
    naiveReidMs: [] as number[],
    reuseReidMs: [] as number[],
    naiveDetectFrames: 0,
    reuseDetectFrames: 0,
  };
  /** Paired frames left out of a ratio because only one side ran the detector on them. */
  readonly cadenceMismatch = { fp32: 0, naive: 0 };
  /** Ratios of mismatched frames: used only when no frame matched (a --quick run's few frames). */
  private readonly fallback = {
    fp32OverInt8: [] as number[],
    fp32OverInt8NoFloat: [] as number[],
    naiveOverReuse: [] as number[],
  };
  readonly agreeInt8 = new AgreementMeter();
  readonly agreeInt8NoFloat = new AgreementMeter();
  readonly rssMb: number[] = [];

  /** A per-frame callback for `playInterleaved` over `variants` (keyed by their spec keys). */
  recorder(scene: Scene, variants: ReadonlyMap<string, Variant>): (f: InterleavedFrame) => void {
    const kept: FrameSample[] = [];
    this.int8Scenes.push({ scene, samples: kept });
    const last = (key: string) => variants.get(key)?.pipeline.last?.observations ?? [];
    return (f) => {
      this.rssMb.push(process.memoryUsage.rss() / 2 ** 20);
      const int8 = f.samples.get('int8');
      const fp32 = f.samples.get('fp32');
      const noFloat = f.samples.get('int8NoFloat');
      if (fp32) {
        this.agreeInt8.add(last('int8'), last('fp32'));
        if (noFloat) this.agreeInt8NoFloat.add(last('int8NoFloat'), last('fp32'));
      }
      if (f.warmUp || !int8) return;
      kept.push(int8);
      this.endToEndOverModel.push(int8.endToEndMs / Math.max(int8.modelMs, 1e-3));
      // Ratios compare like with like: a frame where only one tracker asked for the detector
      // (their track states drift apart) measures the detector, not precision or reuse.
      const sameCadence = fp32?.detected === int8.detected && noFloat?.detected === int8.detected;
      if (fp32 && noFloat && !sameCadence) {
        this.cadenceMismatch.fp32 += 1;
        this.fallback.fp32OverInt8.push(fp32.endToEndMs / int8.endToEndMs);
        this.fallback.fp32OverInt8NoFloat.push(fp32.endToEndMs / noFloat.endToEndMs);
      }
      if (fp32 && noFloat && sameCadence) {
        this.fp32OverInt8.push(fp32.endToEndMs / int8.endToEndMs);
        this.fp32OverInt8NoFloat.push(fp32.endToEndMs / noFloat.endToEndMs);
        this.precisionMs.int8.push(int8.endToEndMs);
        this.precisionMs.int8NoFloat.push(noFloat.endToEndMs);
        this.precisionMs.fp32.push(fp32.endToEndMs);
      }
      const naive = f.samples.get('naive');
      if (naive) {
        this.reuse.naiveDetectFrames += naive.detected ? 1 : 0;
        this.reuse.reuseDetectFrames += int8.detected ? 1 : 0;
      }
      if (naive && naive.detected !== int8.detected) {
        this.cadenceMismatch.naive += 1;
        this.fallback.naiveOverReuse.push(naive.endToEndMs / int8.endToEndMs);
      }
      if (naive && naive.detected === int8.detected) {
        this.reuse.naiveMs.push(naive.endToEndMs);
        this.reuse.reuseMs.push(int8.endToEndMs);
        this.reuse.naiveReidMs.push(naive.stagesMs.reid ?? 0);
        this.reuse.reuseReidMs.push(int8.stagesMs.reid ?? 0);
      }
    };
  }

  /** Median over frames of naive ÷ reuse on the same frame. */
  reuseRatio(): number {
    const { naiveMs, reuseMs } = this.reuse;
    const matched = naiveMs.map((ms, i) => ms / (reuseMs[i] ?? Number.NaN));
    return round(median(matched.length > 0 ? matched : this.fallback.naiveOverReuse));
  }

  /** Median over frames of fp32 ÷ int8 (shipped float models, or none) on the same frame. */
  precisionRatios(): { int8VsFp32: number; int8NoFloatVsFp32: number } {
    const pick = (matched: number[], fallback: number[]) =>
      round(median(matched.length > 0 ? matched : fallback));
    return {
      int8VsFp32: pick(this.fp32OverInt8, this.fallback.fp32OverInt8),
      int8NoFloatVsFp32: pick(this.fp32OverInt8NoFloat, this.fallback.fp32OverInt8NoFloat),
    };
  }

  stageRows(): StageRow[] {
    return this.int8Scenes.map(({ scene, samples }) => {
      const stageNames = Object.keys(samples[0]?.stagesMs ?? {});
      return {
        scene: scene.name,
        frames: samples.length,
        faces: median(samples.map((s) => s.faces)),
        stagesMs: Object.fromEntries(
          stageNames.map((n) => [n, round(median(samples.map((s) => s.stagesMs[n] ?? 0)))]),
        ),
        endToEnd: spread(samples.map((s) => s.endToEndMs)),
        modelMs: round(median(samples.map((s) => s.modelMs))),
      };
    });
  }

  faceCountRows(): FaceCountRow[] {
    return this.int8Scenes.flatMap(({ scene, samples }) => {
      if (scene.composedFaces === undefined) return [];
      const endToEndMs = round(median(samples.map((s) => s.endToEndMs)));
      return [
        {
          faces: scene.composedFaces,
          found: median(samples.map((s) => s.faces)),
          endToEndMs,
          modelMs: round(median(samples.map((s) => s.modelMs))),
          msPerFace: round(endToEndMs / scene.composedFaces),
        },
      ];
    });
  }
}
