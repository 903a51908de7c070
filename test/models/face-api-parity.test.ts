// Integration: the ONNX rebuilds of face-api's nets against face-api itself on
// tfjs-wasm, with real weights and the face-api demo photos (evaluation images:
// nothing here was tuned on them). Tolerances are set well above the measured
// float32 reordering noise (~1e-6, from BatchNorm/scale folding and a different
// conv kernel) yet far below any wiring mistake (which shows up at 1e-2 or more).
import { beforeAll, describe, expect, it } from 'vitest';
import { type ParityReport, runParity } from '../../tools/models/face-api/parity.js';

const RAW_TOLERANCE = 1e-4;

let report: ParityReport;

beforeAll(async () => {
  report = await runParity();
  // The figures go in the report; print them so a run shows them.
  console.log(JSON.stringify(report));
}, 180_000);

describe('face-api ONNX parity on the demo photos (22 faces)', () => {
  it('runs the reference on the tfjs wasm backend', () => {
    expect(report.backend).toBe('wasm');
    expect(report.ssd.inputs).toBe(6);
  });

  it('SSD MobileNetV1: decoded boxes and scores match face-api for the same input', () => {
    expect(report.ssd.maxAbsError).toBeLessThan(RAW_TOLERANCE);
    expect(report.ssd.sameInputDetectionsEqual).toBe(true);
  });

  it('SSD MobileNetV1 end to end finds the same faces as face-api, all 22', () => {
    expect(report.ssd.onnxCounts).toEqual(report.ssd.faceApiCounts);
    expect(report.ssd.onnxCounts.reduce((a, b) => a + b, 0)).toBe(22);
    // OpenCV and tf.image resize differently; measured min IoU 0.94.
    expect(report.ssd.minMatchedIou).toBeGreaterThan(0.85);
  });

  it('face embedding matches face-api on every detected face crop', () => {
    expect(report.embedding.inputs).toBe(22);
    expect(report.embedding.maxAbsError).toBeLessThan(RAW_TOLERANCE);
    expect(report.embedding.minCosine).toBeGreaterThan(0.99999);
  });

  it('expression probabilities match face-api and pick the same class on every face', () => {
    expect(report.expression.inputs).toBe(22);
    expect(report.expression.maxAbsError).toBeLessThan(RAW_TOLERANCE);
    expect(report.expression.argmaxAgreement).toBe(1);
  });

  it('tiny face detector: same decoded outputs and the same faces per image as face-api', () => {
    expect(report.tiny.maxAbsError).toBeLessThan(RAW_TOLERANCE);
    expect(report.tiny.sameInputDetectionsEqual).toBe(true);
    expect(report.tiny.onnxCounts).toEqual(report.tiny.faceApiCounts);
    // Coarser 13x13 grid makes it more sensitive to the resize difference; measured min IoU 0.87.
    expect(report.tiny.minMatchedIou).toBeGreaterThan(0.75);
  });
});
