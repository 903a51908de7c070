// FaceMesh on a batch of face regions (one batched run), and for the large faces that need it the
// same crops flipped left-right (a second run): the mirror pose of mirror-pose.ts. A still face
// may bring an earlier reading instead, which is then used as it is.
import ort from 'onnxruntime-node';
import type { Mat } from '../../capture/cv.js';
import type { Affine } from '../geometry/affine.js';
import { type FaceRegion, regionToCrop } from '../geometry/face-region.js';
import { CropWriter, UNIT_0_1 } from '../image/warp-tensor.js';
import { inputArray, type ModelSession, type SessionSource } from '../models.js';
import { headPose } from './head-pose.js';
import { MESH_POINT_COUNT } from './mesh-indices.js';
import {
  carriedPose,
  flippedCrop,
  type MirrorPose,
  mirroredPose,
  mirrorsPose,
  needsMirrorRun,
} from './mirror-pose.js';

export const MESH_INPUT_PX = 192;
const PER_FACE = MESH_POINT_COUNT * 3;

/**
 * One FaceMesh result kept for the next frame: the 468 points in face-crop pixels and the crop's
 * map. A still face's next frame may reuse it: the iris model then crops the eyes where this mesh
 * put them, so the eyes are measured afresh while FaceMesh is skipped.
 */
export interface MeshReading {
  meshCrop: Float32Array;
  toCrop: Affine;
  faceScore: number;
  /** The yaw corrected for FaceMesh's mirror bias, on a face large enough for it. */
  pose: MirrorPose | undefined;
}

/** One face to read: its region, an earlier reading to reuse, the pose of its last reading. */
export interface MeshJob {
  region: FaceRegion;
  reuse: MeshReading | undefined;
  pose: MirrorPose | undefined;
}

export interface MeshReaderOptions {
  models: SessionSource;
  /** Readings whose face score is below this have no face: no flipped run for them. */
  minFaceScore: number;
  /** false: no flipped runs, so no mirror pose (the int8 calibration's inputs); default true. */
  mirrorPose?: boolean;
}

export class MeshReader {
  private session: ModelSession | undefined;
  private readonly crops = new CropWriter();

  constructor(private readonly options: MeshReaderOptions) {}

  async init(): Promise<ModelSession> {
    this.session = await this.options.models.session('facemesh');
    return this.session;
  }

  /** Each job's reading: reused where the job brings one, else from this frame's run. */
  async read(image: Mat, jobs: readonly MeshJob[]): Promise<Array<MeshReading | undefined>> {
    const readings: Array<MeshReading | undefined> = jobs.map((j) => j.reuse);
    const fresh = jobs.flatMap((j, i) => (j.reuse ? [] : [i]));
    if (fresh.length === 0) return readings;
    const toCrop = fresh.map((i) => regionToCrop((jobs[i] as MeshJob).region, MESH_INPUT_PX));
    const { mesh, flags } = await this.run(image, toCrop);
    fresh.forEach((i, slot) => {
      readings[i] = {
        // A copy: the reading outlives this run's output buffer (a still face reuses it).
        meshCrop: mesh.slice(slot * PER_FACE, (slot + 1) * PER_FACE),
        toCrop: toCrop[slot] as Affine,
        faceScore: flags[slot] ?? 0,
        pose: undefined,
      };
    });
    if (this.options.mirrorPose !== false) await this.mirrorPoses(image, jobs, readings, fresh);
    return readings;
  }

  /** Fills the fresh readings' mirror pose, running the flipped crops of those that need it. */
  private async mirrorPoses(
    image: Mat,
    jobs: readonly MeshJob[],
    readings: Array<MeshReading | undefined>,
    fresh: number[],
  ): Promise<void> {
    const flip: Array<{ reading: MeshReading; yawDeg: number }> = [];
    for (const i of fresh) {
      const reading = readings[i];
      const job = jobs[i] as MeshJob;
      if (!reading || reading.faceScore < this.options.minFaceScore) continue;
      if (!mirrorsPose(reading.meshCrop, MESH_INPUT_PX, job.region.sizePx)) continue;
      const yawDeg = headPose(reading.meshCrop)?.yawDeg;
      if (yawDeg === undefined) continue;
      if (job.pose && !needsMirrorRun(job.pose, yawDeg)) {
        reading.pose = carriedPose(job.pose, yawDeg);
      } else flip.push({ reading, yawDeg });
    }
    if (flip.length === 0) return;
    const { mesh } = await this.run(
      image,
      flip.map((f) => flippedCrop(f.reading.toCrop, MESH_INPUT_PX)),
    );
    flip.forEach(({ reading, yawDeg }, slot) => {
      // The flipped crop's points in its own pixels: a mirror-image face, read as any other.
      const flipped = headPose(mesh.subarray(slot * PER_FACE, (slot + 1) * PER_FACE));
      if (flipped) reading.pose = mirroredPose(yawDeg, flipped.yawDeg);
    });
  }

  private async run(
    image: Mat,
    toCrop: readonly Affine[],
  ): Promise<{ mesh: Float32Array; flags: Float32Array }> {
    const session = this.session;
    if (!session) throw new Error('MeshReader.read() before init()');
    const plane = 3 * MESH_INPUT_PX * MESH_INPUT_PX;
    const input = inputArray(this.options.models, toCrop.length * plane);
    toCrop.forEach((m, slot) => {
      this.crops.warpInto(image, m, MESH_INPUT_PX, input, slot, UNIT_0_1);
    });
    const out = await session.run({
      [session.inputNames[0] ?? 'input']: new ort.Tensor('float32', input, [
        toCrop.length,
        3,
        MESH_INPUT_PX,
        MESH_INPUT_PX,
      ]),
    });
    return {
      mesh: floats(out.mesh, 'facemesh', 'mesh'),
      flags: floats(out.faceflag, 'facemesh', 'faceflag'),
    };
  }
}

export function floats(
  tensor: ort.Tensor | undefined,
  model: string,
  output: string,
): Float32Array {
  const data = tensor?.data;
  if (!(data instanceof Float32Array)) {
    throw new Error(`model ${model}: output '${output}' is missing or not float32`);
  }
  return data;
}
