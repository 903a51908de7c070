// FaceMesh on face regions, then the iris model on both eyes of every face (the nearer eye only
// when the head is turned), each as one batched call. Crops are single warps from the frame: the
// eye crop's map is the face crop's map followed by the eye box, the geometry human's iris.ts uses
// (it crops the eye from the face crop).
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import { type Affine, composeAffine, invertAffine, mapPointsXyz } from '../geometry/affine.js';
import { type FaceRegion, regionToCrop } from '../geometry/face-region.js';
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
import { type EyeSide, IRIS_MODEL_POINTS, MESH_POINT_COUNT } from './mesh-indices.js';

const MESH_INPUT_PX = 192;
const IRIS_INPUT_PX = 64;

/**
 * One FaceMesh result kept for the next frame: the 468 points in face-crop pixels and the crop's
 * map. A still face's next frame may reuse it (`run`'s `reuse`): the iris model then crops the
 * eyes where this mesh put them, so the eyes are measured afresh while FaceMesh is skipped.
 */
export interface MeshReading {
  meshCrop: Float32Array;
  toCrop: Affine;
  faceScore: number;
}

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

/**
 * One face to measure: its region, whether to run the iris model, a mesh reading to reuse, and
 * the eye memory the iris gate decides by (absent: the iris model runs whenever `refine`).
 */
interface LandmarkJob {
  region: FaceRegion;
  refine: boolean;
  reuse: MeshReading | undefined;
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
}

export class FaceLandmarker {
  private mesh: ModelSession | undefined;
  private iris: ModelSession | undefined;
  private readonly crops = new CropWriter();

  constructor(private readonly options: FaceLandmarkerOptions) {}

  async init(): Promise<void> {
    this.mesh = await this.options.models.session('facemesh');
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
   * Landmarks for each region, in region order; undefined where FaceMesh sees no face. With a
   * pool the regions go in `parallelism` batches at once, each FaceMesh then iris; a batch's
   * crops are cut while the others' models run. `reuse[i]`: skip FaceMesh for region i and
   * measure from that earlier reading (a still face; the caller decides). `eyes[i]`: region i's
   * eye memory, for the iris gate (iris-gate.ts) to skip the iris model while its eyes hold still.
   */
  async run(
    image: Mat,
    regions: FaceRegion[],
    refineEyes: boolean[] = regions.map(() => true),
    reuse: Array<MeshReading | undefined> = [],
    eyes: Array<EyeMemory | undefined> = [],
  ): Promise<{ faces: Array<FaceLandmarks | undefined>; timings: LandmarkTimings }> {
    const jobs: LandmarkJob[] = regions.map((region, i) => ({
      region,
      refine: refineEyes[i] !== false,
      reuse: reuse[i],
      eyes: eyes[i],
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
    const readings = await this.meshReadings(image, jobs);
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

  /** Each job's FaceMesh reading: reused where the job brings one, else one batched FaceMesh run. */
  private async meshReadings(
    image: Mat,
    jobs: LandmarkJob[],
  ): Promise<Array<MeshReading | undefined>> {
    const readings: Array<MeshReading | undefined> = jobs.map((j) => j.reuse);
    const fresh = jobs.flatMap((j, i) => (j.reuse ? [] : [i]));
    if (fresh.length === 0) return readings;
    const mesh = this.mesh;
    if (!mesh) throw new Error('FaceLandmarker.run() before init()');
    const toCrop = fresh.map((i) => regionToCrop((jobs[i] as LandmarkJob).region, MESH_INPUT_PX));
    const plane = 3 * MESH_INPUT_PX * MESH_INPUT_PX;
    const meshInput = inputArray(this.options.models, fresh.length * plane);
    toCrop.forEach((m, slot) => {
      this.crops.warpInto(image, m, MESH_INPUT_PX, meshInput, slot, UNIT_0_1);
    });
    const meshOut = await mesh.run({
      [mesh.inputNames[0] ?? 'input']: new ort.Tensor('float32', meshInput, [
        fresh.length,
        3,
        MESH_INPUT_PX,
        MESH_INPUT_PX,
      ]),
    });
    const meshData = floats(meshOut.mesh, 'facemesh', 'mesh');
    const flags = floats(meshOut.faceflag, 'facemesh', 'faceflag');
    const perFace = MESH_POINT_COUNT * 3;
    fresh.forEach((i, slot) => {
      const crop = toCrop[slot];
      if (!crop) return;
      readings[i] = {
        // A copy: the reading outlives this run's output buffer (a still face reuses it).
        meshCrop: meshData.slice(slot * perFace, (slot + 1) * perFace),
        toCrop: crop,
        faceScore: flags[slot] ?? 0,
      };
    });
    return readings;
  }
}

function floats(tensor: ort.Tensor | undefined, model: string, output: string): Float32Array {
  const data = tensor?.data;
  if (!(data instanceof Float32Array)) {
    throw new Error(`model ${model}: output '${output}' is missing or not float32`);
  }
  return data;
}
