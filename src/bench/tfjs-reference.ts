// The originals our pipeline re-implements, on tfjs 4.22 with the wasm backend, as the bench's
// reference: @vladmandic/human (BlazeFace detector + FaceMesh + iris, the models we converted) and
// @vladmandic/face-api (SSD MobileNetV1 + 68-point landmarks). Both are dev dependencies, loaded
// only when the bench runs, so the daemon never pulls tfjs in.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cv, type Mat } from '../capture/cv.js';
import { PACKAGE_ROOT } from '../config/load.js';

const NODE_MODULES = join(PACKAGE_ROOT, 'node_modules');

interface TfTensor {
  dispose(): void;
}
interface Tf {
  tensor4d(data: Float32Array, shape: number[]): TfTensor;
  tensor3d(data: Uint8Array, shape: number[], dtype: string): TfTensor;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
}
export interface HumanInstance {
  load(): Promise<void>;
  detect(input: unknown): Promise<{ face: Array<{ mesh: number[][] }> }>;
  tf: Tf;
}
type HumanCtor = new (config: Record<string, unknown>) => HumanInstance;
interface FaceApi {
  tf: Tf;
  nets: {
    ssdMobilenetv1: { loadFromDisk(dir: string): Promise<void> };
    faceLandmark68Net: { loadFromDisk(dir: string): Promise<void> };
  };
  SsdMobilenetv1Options: new (o: { minConfidence: number }) => unknown;
  detectSingleFace(
    input: unknown,
    options: unknown,
  ): { withFaceLandmarks(): Promise<{ landmarks: { positions: unknown[] } } | undefined> };
}

/** One reference library, ready to do one frame's work; `faces` is what it found. */
export interface TfjsReference {
  name: 'human' | 'face-api';
  /** What one call does, for the report. */
  work: string;
  frame(image: Mat): Promise<{ faces: number }>;
}

function requireFromRoot(path: string): unknown {
  const full = join(NODE_MODULES, path);
  if (!existsSync(full)) throw new Error(`tfjs reference needs ${full} (npm dev dependencies)`);
  return createRequire(import.meta.url)(full);
}

/** Node's fetch cannot read file:// URLs and human loads its models with fetch. */
function allowFileFetch(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const u = String(url);
    if (!u.startsWith('file://')) return realFetch(url, init);
    return new Response(readFileSync(u.slice('file://'.length)));
  };
}

function rgbFloat(image: Mat): Float32Array {
  return Float32Array.from(image.cvtColor(cv.COLOR_BGR2RGB).getData());
}

/**
 * @vladmandic/human on tfjs-wasm with BlazeFace, FaceMesh and iris only. `everyFrame` turns off
 * its result cache and detector skipping, so every model runs on every call (the bench); without
 * it human follows its own landmarks from call to call, as our pipeline does (the parity test).
 */
export async function createHuman(options: { everyFrame: boolean }): Promise<HumanInstance> {
  allowFileFetch();
  // By path: the package's exports map lists this build without the './' Node requires.
  const { Human } = requireFromRoot('@vladmandic/human/dist/human.node-wasm.js') as {
    Human: HumanCtor;
  };
  const off = { enabled: false };
  const noSkipping = options.everyFrame ? { skipFrames: 0, skipTime: 0 } : {};
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${join(NODE_MODULES, '@tensorflow/tfjs-backend-wasm/dist')}/`,
    modelBasePath: `file://${join(NODE_MODULES, '@vladmandic/human/models')}/`,
    debug: false,
    ...(options.everyFrame ? { warmup: 'none', cacheSensitivity: 0 } : {}),
    filter: off,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 1, minConfidence: 0.2, ...noSkipping },
      mesh: { enabled: true },
      iris: { enabled: true, ...noSkipping },
      attention: off,
      description: off,
      emotion: off,
      antispoof: off,
      liveness: off,
    },
    body: off,
    hand: off,
    object: off,
    gesture: off,
    segmentation: off,
  });
  await human.load();
  return human;
}

export async function loadHuman(): Promise<TfjsReference> {
  // Every model on every frame, as ours do when the bench sets detection.intervalFrames to 1.
  const human = await createHuman({ everyFrame: true });
  return {
    name: 'human',
    work: 'BGR Mat → RGB float tensor, BlazeFace detector, FaceMesh 468 points, iris (both eyes)',
    async frame(image) {
      const input = human.tf.tensor4d(rgbFloat(image), [1, image.rows, image.cols, 3]);
      try {
        return { faces: (await human.detect(input)).face.length };
      } finally {
        input.dispose();
      }
    },
  };
}

export async function loadFaceApi(): Promise<TfjsReference> {
  const faceapi = requireFromRoot('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  const dir = join(NODE_MODULES, '@vladmandic/face-api/model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  return {
    name: 'face-api',
    work: 'BGR Mat → RGB int tensor, SSD MobileNetV1 detector, 68-point landmarks',
    async frame(image) {
      const rgb = new Uint8Array(image.cvtColor(cv.COLOR_BGR2RGB).getData());
      const input = faceapi.tf.tensor3d(rgb, [image.rows, image.cols, 3], 'int32');
      try {
        const found = await faceapi.detectSingleFace(input, options).withFaceLandmarks();
        return { faces: found ? 1 : 0 };
      } finally {
        input.dispose();
      }
    },
  };
}
