// Where each model's calibration inputs come from, and whole-frame inputs for a detector the
// pipeline does not run yet, sized and scaled from the model's input shape and its
// input_scale/input_offset metadata.
import * as ort from 'onnxruntime-node';
import type { Mat } from '../../../src/capture/cv.js';
import { type CalibrationImage, squareCrop, toNchw } from './calibration-images.js';
import { type ModelProto, requireGraph, toNumber } from './onnx-io.js';
import type { Feed } from './range-collector.js';

/** 'pipeline': inputs recorded from the fp32 pipeline (pipeline-feeds.ts); 'frame': whole frames. */
export type FeedKind = 'pipeline' | 'frame';

export interface CalibrationSpec {
  kind: FeedKind;
  /** Outputs holding raw logits, compared clamped when choosing settings. */
  logitOutputs?: RegExp;
  /** Outputs holding probabilities (after a sigmoid), compared as clamped logits too. */
  probabilityOutputs?: RegExp;
}

/** Where each model's calibration inputs come from. */
export const CALIBRATION_SPECS: Record<string, CalibrationSpec> = {
  'ssd-mobilenetv1': { kind: 'pipeline' },
  'tiny-face-detector': { kind: 'pipeline' },
  // Not wired into the pipeline yet: whole frames padded to a square, as human feeds it.
  blazeface: { kind: 'frame', logitOutputs: /^scores/ },
  facemesh: { kind: 'pipeline', probabilityOutputs: /^faceflag$/ },
  iris: { kind: 'pipeline' },
  'face-embedding': { kind: 'pipeline' },
  expression: { kind: 'pipeline', logitOutputs: /^logits$/ },
};

export interface ModelInputSpec {
  name: string;
  width: number;
  height: number;
  /** Input value = RGB 0..255 × scale + offset (the converters' input_scale/input_offset). */
  scale: number;
  offset: number;
}

export function inputSpec(model: ModelProto): ModelInputSpec {
  const input = requireGraph(model).input?.[0];
  const dims = input?.type?.tensorType?.shape?.dim ?? [];
  const [, channels, height, width] = dims.map((d) => toNumber(d.dimValue));
  if (!input?.name || dims.length !== 4 || channels !== 3 || !height || !width) {
    throw new Error(`model ${model.graph?.name}: expected one NCHW [1,3,H,W] input`);
  }
  // Models that normalise inside the graph take RGB 0..255 and carry no input_scale.
  const meta = (key: string) => (model.metadataProps ?? []).find((p) => p.key === key)?.value;
  return {
    name: input.name,
    width,
    height,
    scale: Number(meta('input_scale') ?? 1),
    offset: Number(meta('input_offset') ?? 0),
  };
}

/** Pads bottom/right to a square, as the detectors' callers do before resizing. */
export function paddedFrames(images: CalibrationImage[]): Mat[] {
  return images.map(({ image }) => {
    const side = Math.max(image.cols, image.rows);
    return squareCrop(image, { x: 0, y: 0, w: side, h: side }, 1);
  });
}

export function feedsFor(model: ModelProto, crops: Mat[]): Feed[] {
  const spec = inputSpec(model);
  return crops.map((crop) => ({
    [spec.name]: new ort.Tensor('float32', toNchw(crop, spec), [1, 3, spec.height, spec.width]),
  }));
}
