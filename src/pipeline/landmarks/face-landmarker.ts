// FaceMesh on face regions, then the iris model on both eyes of every face, each as one batched
// call. Crops are single warps from the frame: the eye crop's map is the face crop's map followed
// by the eye box, the geometry human's iris.ts uses (it crops the eye from the face crop).
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import { composeAffine, invertAffine, mapPointsXyz } from '../geometry/affine.js';
import { type FaceRegion, regionToCrop } from '../geometry/face-region.js';
import { UNIT_0_1, warpInto } from '../image/warp-tensor.js';
import { faceBatches, startInTurn } from '../inference/batches.js';
import type { ModelSession, SessionSource } from '../models.js';
import {
  eyeBox,
  eyeBoxToInput,
  eyePointsToCrop,
  mergeIris,
  meshOnlyPoints,
} from './iris-refine.js';
import { IRIS_MODEL_POINTS, MESH_POINT_COUNT } from './mesh-indices.js';

const MESH_INPUT_PX = 192;
const IRIS_INPUT_PX = 64;

export interface FaceLandmarks {
  region: FaceRegion;
  /** FaceMesh's face-presence probability for this region. */
  faceScore: number;
  /** 478 points (468 mesh + 2×5 iris), xyz interleaved, frame pixels; eyes refined by the iris model. */
  points: Float32Array;
  /**
   * The iris model refined the eyes. false: it was skipped (the face is too small for eye
   * measurements): FaceMesh's own eye contours, iris points at the eye-corner midpoints.
   */
  eyesRefined: boolean;
}

export interface LandmarkTimings {
  meshMs: number;
  irisMs: number;
}

export interface FaceLandmarkerOptions {
  models: SessionSource;
  /** Regions where FaceMesh's face score is below this have no face (the track is lost). */
  minFaceScore: number;
}

export class FaceLandmarker {
  private mesh: ModelSession | undefined;
  private iris: ModelSession | undefined;

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
   * crops are cut while the others' models run.
   */
  async run(
    image: Mat,
    regions: FaceRegion[],
    refineEyes: boolean[] = regions.map(() => true),
  ): Promise<{ faces: Array<FaceLandmarks | undefined>; timings: LandmarkTimings }> {
    const jobs = regions.map((region, i) => ({ region, refine: refineEyes[i] !== false }));
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
    jobs: Array<{ region: FaceRegion; refine: boolean }>,
  ): Promise<{ faces: Array<FaceLandmarks | undefined>; timings: LandmarkTimings }> {
    const regions = jobs.map((j) => j.region);
    const timings: LandmarkTimings = { meshMs: 0, irisMs: 0 };
    if (regions.length === 0) return { faces: [], timings };
    const mesh = this.mesh;
    const iris = this.iris;
    if (!mesh || !iris) throw new Error('FaceLandmarker.run() before init()');

    let t0 = performance.now();
    const toCrop = regions.map((r) => regionToCrop(r, MESH_INPUT_PX));
    const plane = 3 * MESH_INPUT_PX * MESH_INPUT_PX;
    const meshInput = new Float32Array(regions.length * plane);
    toCrop.forEach((m, i) => {
      warpInto(image, m, MESH_INPUT_PX, meshInput, i, UNIT_0_1);
    });
    const meshOut = await mesh.run({
      [mesh.inputNames[0] ?? 'input']: new ort.Tensor('float32', meshInput, [
        regions.length,
        3,
        MESH_INPUT_PX,
        MESH_INPUT_PX,
      ]),
    });
    const meshData = floats(meshOut.mesh, 'facemesh', 'mesh');
    const flags = floats(meshOut.faceflag, 'facemesh', 'faceflag');
    const present: number[] = [];
    const faces: Array<FaceLandmarks | undefined> = regions.map(() => undefined);
    for (let i = 0; i < regions.length; i++) {
      if ((flags[i] ?? 0) < this.options.minFaceScore) continue;
      const crop = toCrop[i];
      const region = regions[i];
      if (jobs[i]?.refine || !crop || !region) {
        present.push(i);
        continue;
      }
      // Too small for eye measurements: no iris run, FaceMesh's own eye contours.
      const points = meshOnlyPoints(
        meshData.subarray(i * MESH_POINT_COUNT * 3, (i + 1) * MESH_POINT_COUNT * 3),
      );
      mapPointsXyz(invertAffine(crop), points);
      faces[i] = { region, faceScore: flags[i] ?? 0, points, eyesRefined: false };
    }
    timings.meshMs = performance.now() - t0;

    t0 = performance.now();
    if (present.length > 0) {
      const eyePlane = 3 * IRIS_INPUT_PX * IRIS_INPUT_PX;
      const irisInput = new Float32Array(present.length * 2 * eyePlane);
      const boxes = present.map((i, slot) => {
        const meshCrop = meshData.subarray(
          i * MESH_POINT_COUNT * 3,
          (i + 1) * MESH_POINT_COUNT * 3,
        );
        const left = eyeBox(meshCrop, 'left');
        const right = eyeBox(meshCrop, 'right');
        const crop = toCrop[i];
        if (!crop) throw new Error(`no crop for region ${i}`);
        warpInto(
          image,
          composeAffine(eyeBoxToInput(left, IRIS_INPUT_PX), crop),
          IRIS_INPUT_PX,
          irisInput,
          2 * slot,
          UNIT_0_1,
        );
        warpInto(
          image,
          composeAffine(eyeBoxToInput(right, IRIS_INPUT_PX), crop),
          IRIS_INPUT_PX,
          irisInput,
          2 * slot + 1,
          UNIT_0_1,
        );
        return { meshCrop, left, right };
      });
      const irisOut = await iris.run({
        [iris.inputNames[0] ?? 'input']: new ort.Tensor('float32', irisInput, [
          present.length * 2,
          3,
          IRIS_INPUT_PX,
          IRIS_INPUT_PX,
        ]),
      });
      const irisData = floats(irisOut[iris.outputNames[0] ?? 'iris'], 'iris', 'iris');
      const perEye = IRIS_MODEL_POINTS * 3;
      present.forEach((i, slot) => {
        const b = boxes[slot];
        const region = regions[i];
        const crop = toCrop[i];
        if (!b || !region || !crop) return;
        const leftOut = irisData.subarray(2 * slot * perEye, (2 * slot + 1) * perEye);
        const rightOut = irisData.subarray((2 * slot + 1) * perEye, (2 * slot + 2) * perEye);
        const points = mergeIris(b.meshCrop, {
          left: eyePointsToCrop(leftOut, b.left, IRIS_INPUT_PX),
          right: eyePointsToCrop(rightOut, b.right, IRIS_INPUT_PX),
        });
        mapPointsXyz(invertAffine(crop), points);
        faces[i] = { region, faceScore: flags[i] ?? 0, points, eyesRefined: true };
      });
    }
    timings.irisMs = performance.now() - t0;
    return { faces, timings };
  }
}

function floats(tensor: ort.Tensor | undefined, model: string, output: string): Float32Array {
  const data = tensor?.data;
  if (!(data instanceof Float32Array)) {
    throw new Error(`model ${model}: output '${output}' is missing or not float32`);
  }
  return data;
}
