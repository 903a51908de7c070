// Calibration inputs exactly as the pipeline makes them: the fp32 pipeline (detector → FaceMesh +
// iris → embedding + expression) runs on the calibration pictures through a session source that
// records every input it feeds each model, so the int8 ranges come from the crops, scaling and
// padding the daemon really uses.
import * as ort from 'onnxruntime-node';
import { sectionDefaults } from '../../../src/config/schema.js';
import { FaceDescriber } from '../../../src/pipeline/describe/face-describer.js';
import { FaceDetector } from '../../../src/pipeline/detect/face-detector.js';
import { regionForDetection } from '../../../src/pipeline/face-memory.js';
import { regionFromLandmarks } from '../../../src/pipeline/geometry/face-region.js';
import { FaceLandmarker } from '../../../src/pipeline/landmarks/face-landmarker.js';
import type { ModelSession, SessionSource } from '../../../src/pipeline/models.js';
import { MIN_FACE_SCORE } from '../../../src/pipeline/pipeline.js';
import type { CalibrationImage } from './calibration-images.js';
import type { Feed } from './range-collector.js';

/** Wraps a source; every run() input is kept per model, split into single-picture feeds. */
export class RecordingSource implements SessionSource {
  readonly recorded = new Map<string, Feed[]>();

  constructor(private readonly inner: SessionSource) {}

  async session(name: string): Promise<ModelSession> {
    const session = await this.inner.session(name);
    const record = (feeds: Feed) => this.record(name, feeds);
    return new Proxy(session, {
      get(target, property) {
        if (property === 'run') {
          return (feeds: Feed, ...rest: unknown[]) => {
            record(feeds);
            return (target.run as (...args: unknown[]) => Promise<unknown>)(feeds, ...rest);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  private record(name: string, feeds: Feed): void {
    const [inputName, tensor] = Object.entries(feeds)[0] ?? [];
    if (!inputName || !tensor || tensor.type !== 'float32') return;
    const [batch = 1, ...rest] = tensor.dims;
    const size = rest.reduce((a, b) => a * b, 1);
    const data = tensor.data as Float32Array;
    const list = this.recorded.get(name) ?? [];
    for (let i = 0; i < batch; i++) {
      const one = data.slice(i * size, (i + 1) * size);
      list.push({ [inputName]: new ort.Tensor('float32', one, [1, ...rest]) });
    }
    this.recorded.set(name, list);
  }
}

/** Inputs per model name for ssd-mobilenetv1, tiny-face-detector, facemesh, iris, face-embedding, expression. */
export async function pipelineFeeds(
  images: CalibrationImage[],
  fp32: SessionSource,
): Promise<Map<string, Feed[]>> {
  const recorder = new RecordingSource(fp32);
  const detection = sectionDefaults('detection');
  const detectors = (['ssd-mobilenetv1', 'tiny-face-detector'] as const).map(
    (model) => new FaceDetector({ detection: { ...detection, model }, models: recorder }),
  );
  // Without the mirror pose's flipped crops (mirror images of the same faces): calibrated on them
  // too, the int8 FaceMesh lost sample2's half-hidden face (fp32 face score 0.60) in the all-int8
  // pipeline (21 of 22 sample faces, test/integration/pipeline/sample-faces.test.ts).
  const landmarker = new FaceLandmarker({
    models: recorder,
    minFaceScore: MIN_FACE_SCORE,
    mirrorPose: false,
  });
  const describer = new FaceDescriber({ models: recorder, expressions: true });
  for (const d of detectors) await d.init();
  await landmarker.init();
  await describer.init();
  for (const { image } of images) {
    const [ssd, tiny] = detectors;
    if (!ssd || !tiny) break;
    await tiny.detect(image);
    const boxes = await ssd.detect(image);
    // First pass from the detector's boxes, second from landmarks: both region kinds occur live.
    const first = await landmarker.run(
      image,
      boxes.map((box) => ({ region: regionForDetection(box, 'ssd-mobilenetv1') })),
    );
    const requests = first.faces.flatMap((f) =>
      f ? [{ region: regionFromLandmarks(f.points) }] : [],
    );
    const second = await landmarker.run(image, requests);
    const points = second.faces.flatMap((f) => (f ? [f.points] : []));
    if (points.length === 0) continue;
    await describer.embed(image, points);
    await describer.expressions(image, points);
  }
  return recorder.recorded;
}
