// Turns calibration pictures into model inputs: what each model sees at run time (whole frames
// for detectors, face crops for face models, eye crops for iris), sized and scaled from the
// model's own input shape and its 'normalisation' metadata.
import * as ort from 'onnxruntime-node';
import type { Mat } from '../../../src/capture/cv.js';
import {
  type CalibrationImage,
  eyeBoxes,
  type FaceBox,
  haarFaces,
  squareCrop,
  toNchw,
} from './calibration-images.js';
import { type ModelProto, requireGraph, toNumber } from './onnx-io.js';
import type { Feed } from './range-collector.js';

export type CropKind = 'frame' | 'face' | 'eye';

export interface CalibrationCrop {
  kind: CropKind;
  /** Crop side as a multiple of the face (or eye) box. */
  scale: number;
  /** Outputs holding raw logits, compared as sigmoid probabilities when choosing settings. */
  logitOutputs?: RegExp;
}

/** What each model's input looks like in the pipeline. */
export const CALIBRATION_CROPS: Record<string, CalibrationCrop> = {
  'ssd-mobilenetv1': { kind: 'frame', scale: 1 },
  'tiny-face-detector': { kind: 'frame', scale: 1 },
  blazeface: { kind: 'frame', scale: 1, logitOutputs: /^scores/ },
  facemesh: { kind: 'face', scale: 1.5 },
  iris: { kind: 'eye', scale: 1.6 },
  'face-embedding': { kind: 'face', scale: 1.1 },
  expression: { kind: 'face', scale: 1.1, logitOutputs: /^logits$/ },
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

/** Faces in one picture; tight "_crop" stills are a face already, which Haar misses. */
function facesIn(item: CalibrationImage): FaceBox[] {
  const faces = haarFaces(item.image);
  if (faces.length > 0 || !item.label.includes('_crop')) return faces;
  const { cols, rows } = item.image;
  return [{ x: cols * 0.1, y: rows * 0.1, w: cols * 0.8, h: rows * 0.8 }];
}

/** Pads bottom/right to a square, as the detectors' callers do before resizing. */
function padToSquare(image: Mat): Mat {
  const side = Math.max(image.cols, image.rows);
  return squareCrop(image, { x: 0, y: 0, w: side, h: side }, 1);
}

export function calibrationCrops(images: CalibrationImage[], crop: CalibrationCrop): Mat[] {
  const crops: Mat[] = [];
  for (const item of images) {
    if (crop.kind === 'frame') {
      crops.push(padToSquare(item.image));
      continue;
    }
    for (const face of facesIn(item)) {
      const boxes = crop.kind === 'face' ? [face] : eyeBoxes(face);
      for (const box of boxes) crops.push(squareCrop(item.image, box, crop.scale));
    }
  }
  return crops;
}

export function feedsFor(model: ModelProto, crops: Mat[]): Feed[] {
  const spec = inputSpec(model);
  return crops.map((crop) => ({
    [spec.name]: new ort.Tensor('float32', toNchw(crop, spec), [1, 3, spec.height, spec.width]),
  }));
}
