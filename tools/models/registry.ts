/**
 * Every model `npm run models` builds, in one list. Each converter registers its
 * own entries here (one import + one spread); build-fp32 walks the list.
 */
import { faceApiModels } from './face-api/models.js';
import { humanModels } from './human/models.js';
import type { ModelProto } from './onnx/proto.js';

export interface ModelEntry {
  /** File stem: models/fp32/<name>.onnx, models/int8/<name>.onnx. */
  name: string;
  /** What the pipeline uses it for (face-detector, face-embedding, expression, ...). */
  role: string;
  /** Where the weights come from: 'pkg@version:inner/path'. */
  source: string;
  licence: string;
  build(): Promise<ModelProto | Uint8Array>;
}

export const registry: ModelEntry[] = [...faceApiModels, ...humanModels];
