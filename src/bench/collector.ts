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
      if (fp32 && noFloat) {
        this.fp32OverInt8.push(fp32.endToEndMs / int8.endToEndMs);
        this.fp32OverInt8NoFloat.push(fp32.endToEndMs / noFloat.endToEndMs);
        this.precisionMs.int8.push(int8.endToEndMs);
        this.precisionMs.int8NoFloat.push(noFloat.endToEndMs);
        this.precisionMs.fp32.push(fp32.endToEndMs);
      }
      const naive = f.samples.get('naive');
      if (naive) {
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
    return round(median(naiveMs.map((ms, i) => ms / (reuseMs[i] ?? Number.NaN))));
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
