// The identity of the embedding model the device runs, as recorded in a gallery.
import { ModelFileError, type ModelStore } from '../pipeline/model-store.js';
import type { EmbeddingModelId } from './gallery-format.js';

const EMBEDDING_MODEL = 'face-embedding';

export function embeddingModelId(
  models: Pick<ModelStore, 'info' | 'precisionOf' | 'dir'>,
): EmbeddingModelId {
  const precision = models.precisionOf(EMBEDDING_MODEL);
  const file = models.info(EMBEDDING_MODEL).files[precision];
  if (!file) {
    throw new ModelFileError(
      'manifest',
      models.dir,
      `"${EMBEDDING_MODEL}" has no ${precision} file`,
    );
  }
  return { name: EMBEDDING_MODEL, precision, sha256: file.sha256 };
}
