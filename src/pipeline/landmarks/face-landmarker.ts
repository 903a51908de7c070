// FaceMesh on face regions (mesh-reader.ts, with the mirror pose's flipped crops), then the iris
// model on both eyes of every face (the nearer eye only when the head is turned), each as one
// batched call. Crops are single warps from the frame: the eye crop's map is the face crop's map
// followed by the eye box, the geometry human's iris.ts uses (it crops the eye from the face crop).
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import { composeAffine, invertAffine, mapPointsXyz } from '../geometry/affine.js';
import type { FaceRegion } from '../geometry/face-region.js';
import { CropWriter, UNIT_0_1 } from '../image/warp-tensor.js';
import { faceBatches, startInTurn } from '../inference/batches.js';
import { inputArray, type ModelSession, type SessionSource } from '../models.js';
import type { EyeOpenness } from '../types.js';
import { eyeOpenness } from './eye-openness.js';
import { type EyeMemory, meshLidReading, needsIris } from './iris-gate.js';
import {
  type EyeBox,
  eyeBox,
  eyeBoxToInput,
  eyePointsToCrop,
  eyesToRefine,
  mergeIris,
  meshOnlyPoints,
} from './iris-refine.js';
import { type EyeSide, IRIS_MODEL_POINTS } from './mesh-indices.js';
import {
  floats,
  MESH_INPUT_PX,
  type MeshJob,
  MeshReader,
  type MeshReading,
} from './mesh-reader.js';
import type { MirrorPose } from './mirror-pose.js';

const IRIS_INPUT_PX = 64;

export interface FaceLandmarks {
  region: FaceRegion;
  /** 478 points (468 mesh + 2×5 iris), xyz interleaved, frame pixels; eyes refined by the iris model. */
  points: Float32Array;
  /**
   * Eye openness as the iris model measured it: on this frame, or on an earlier one when the iris
   * gate skipped it (`eyesCarried`; the points then have FaceMesh's own eye contours). Absent when
   * the face is too small for eye measurements (FaceMesh's own eye contours, iris points at the
   * eye-corner midpoints).
   */
  eyes: EyeOpenness | undefined;
  /** The iris model did not run for this face this frame: `eyes` is its last reading. */
  eyesCarried: boolean;
  /** FaceMesh's own lid reading (iris-gate.ts) where FaceMesh ran on this frame for eyes wanted. */
  meshLid: number | undefined;
  /**
   * The FaceMesh reading these points come from (this frame's, or the reused one), with its
   * face-presence probability.
   */
  mesh: MeshReading;
  /** FaceMesh did not run for this face this frame: `mesh` is an earlier frame's. */
  meshReused: boolean;
}

/** One face to measure. */
export interface LandmarkRequest {
  region: FaceRegion;
  /** Measure the eyes (iris model); default true. */
  refineEyes?: boolean;
  /** An earlier FaceMesh reading to use instead of running FaceMesh (a still face). */
  reuse?: MeshReading | undefined;
  /** The eye memory the iris gate decides by (absent: the iris model runs whenever refining). */
  eyes?: EyeMemory | undefined;
  /** The mirror pose of the face's last FaceMesh reading (mirror-pose.ts). */
  pose?: MirrorPose | undefined;
}

interface LandmarkJob extends MeshJob {
  refine: boolean;
  eyes: EyeMemory | undefined;
}

export interface LandmarkTimings {
  meshMs: number;
  irisMs: number;
}

export interface FaceLandmarkerOptions {
  models: SessionSource;
  /** Regions where FaceMesh's face score is below this have no face (the track is lost). */
  minFaceScore: number;
  /** tracking.irisEveryFrames: the iris gate's longest gap on a face it applies to (1: no gate). */
  irisEveryFrames?: number;
  /** false: FaceMesh without the mirror pose's flipped runs (mesh-reader.ts); default true. */
  mirrorPose?: boolean;
}

export class FaceLandmarker {
  private mesh: ModelSession | undefined;
  private iris: ModelSession | undefined;
  private readonly meshReader: MeshReader;
  private readonly crops = new CropWriter();

  constructor(private readonly options: FaceLandmarkerOptions) {
    this.meshReader = new MeshReader(options);
  }

  async init(): Promise<void> {
    this.mesh = await this.meshReader.init();
    this.iris = await this.options.models.session('iris');
  }

  /**
   * One run of each model on zeros: onnxruntime allocates and picks kernels on the first run,
   * which would otherwise land on the first real frame. (A blank image would skip the iris model.)
   */
  async warmUp(): Promise<void> {
    for (const [session, px] of [
      [this.mesh, MESH_INPUT_PX],
      [this.iris, IRIS_INPUT_PX],
    ] as const) {
      if (!session) throw new Error('FaceLandmarker.warmUp() before init()');
      await session.run({
        [session.inputNames[0] ?? 'input']: new ort.Tensor(
          'float32',
          new Float32Array(3 * px * px),
          [1, 3, px, px],
        ),
      });
    }
  }

  /**
   * Landmarks for each request, in request order; undefined where FaceMesh sees no face. With a
   * pool the requests go in `parallelism` batches at once, each FaceMesh then iris; a batch's
   * crops are cut while the others' models run.
   */
  async run(
    image: Mat,
    requests: readonly LandmarkRequest[],
  ): Promise<{ faces: Array<FaceLandmarks | undefined>; timings: LandmarkTimings }> {
    const jobs: LandmarkJob[] = requests.map((r) => ({
      region: r.region,
      refine: r.refineEyes !== false,
      reuse: r.reuse,
      eyes: r.eyes,
      pose: r.pose,
    }));
    const parts = faceBatches(jobs, this.options.models.parallelism ?? 1);
    if (parts.length <= 1) return this.runBatch(image, jobs);
    const results = await startInTurn(parts, (part) => this.runBatch(image, part));
    return {
      faces: results.flatMap((r) => r.faces),
      // Batches overlap: the slowest one's time is the stage's.
      timings: {
        meshMs: Math.max(...results.map((r) => r.timings.meshMs)),
        irisMs: Math.max(...results.map((r) => r.timings.irisMs)),
      },
    };
  }

  private async runBatch(
    image: Mat,
    jobs: LandmarkJob[],
  ): Promise<{ faces: Array<FaceLandmarks | undefined>; timings: LandmarkTimings }> {
    const timings: LandmarkTimings = { meshMs: 0, irisMs: 0 };
    if (jobs.length === 0) return { faces: [], timings };
    const iris = this.iris;
    if (!iris) throw new Error('FaceLandmarker.run() before init()');

    let t0 = performance.now();
    const readings = await this.meshReader.read(image, jobs);
    // Faces whose eyes the iris model measures; only the eyes whose contours will be merged are
    // cropped: a turned face's far eye is not.
    const present: Array<{
      i: number;
      job: LandmarkJob;
      mesh: MeshReading;
      boxes: EyeBox[];
      meshLid: number | undefined;
    }> = [];
    const faces: Array<FaceLandmarks | undefined> = jobs.map(() => undefined);
    const everyFrames = this.options.irisEveryFrames ?? 1;
    jobs.forEach((job, i) => {
      const mesh = readings[i];
      if (!mesh || mesh.faceScore < this.options.minFaceScore) return;
      const meshLid = job.refine && !job.reuse ? meshLidReading(mesh.meshCrop) : undefined;
      if (job.refine && (meshLid === undefined || needsIris(job.eyes, meshLid, everyFrames))) {
        const boxes = eyesToRefine(mesh.meshCrop).map((side) => eyeBox(mesh.meshCrop, side));
        present.push({ i, job, mesh, boxes, meshLid });
        return;
      }
      // Too small for eye measurements, or eyes the iris gate lets keep their last reading: no
      // iris run, FaceMesh's own eye contours.
      const points = meshOnlyPoints(mesh.meshCrop);
      mapPointsXyz(invertAffine(mesh.toCrop), points);
      const carried = job.refine ? job.eyes?.openness : undefined;
      faces[i] = {
        region: job.region,
        points,
        eyes: carried,
        eyesCarried: carried !== undefined,
        meshLid,
        mesh,
        meshReused: job.reuse !== undefined,
      };
    });
    timings.meshMs = performance.now() - t0;

    t0 = performance.now();
    if (present.length > 0) {
      const eyeCount = present.reduce((n, f) => n + f.boxes.length, 0);
      const eyePlane = 3 * IRIS_INPUT_PX * IRIS_INPUT_PX;
      const irisInput = inputArray(this.options.models, eyeCount * eyePlane);
      let slot = 0;
      for (const { mesh, boxes } of present) {
        for (const box of boxes) {
          this.crops.warpInto(
            image,
            composeAffine(eyeBoxToInput(box, IRIS_INPUT_PX), mesh.toCrop),
            IRIS_INPUT_PX,
            irisInput,
            slot++,
            UNIT_0_1,
          );
        }
      }
      const irisOut = await iris.run({
        [iris.inputNames[0] ?? 'input']: new ort.Tensor('float32', irisInput, [
          eyeCount,
          3,
          IRIS_INPUT_PX,
          IRIS_INPUT_PX,
        ]),
      });
      const irisData = floats(irisOut[iris.outputNames[0] ?? 'iris'], 'iris', 'iris');
      const perEye = IRIS_MODEL_POINTS * 3;
      slot = 0;
      for (const { i, job, mesh, boxes, meshLid } of present) {
        const eyes: Partial<Record<EyeSide, Float32Array>> = {};
        for (const box of boxes) {
          const out = irisData.subarray(slot * perEye, (slot + 1) * perEye);
          eyes[box.side] = eyePointsToCrop(out, box, IRIS_INPUT_PX);
          slot++;
        }
        const points = mergeIris(mesh.meshCrop, eyes);
        mapPointsXyz(invertAffine(mesh.toCrop), points);
        faces[i] = {
          region: job.region,
          points,
          eyes: eyeOpenness(points),
          eyesCarried: false,
          meshLid,
          mesh,
          meshReused: job.reuse !== undefined,
        };
      }
    }
    timings.irisMs = performance.now() - t0;
    return { faces, timings };
  }
}
