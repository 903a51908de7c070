// Every model of the configured precision in models/manifest.json: the file matches its recorded
// sha256 and size (ModelStore.verifiedBytes, the daemon's own check) and onnxruntime opens it.
import { modelNames } from '../../config/formats.js';
import type { Config } from '../../config/schema.js';
import { ModelStore } from '../../pipeline/model-store.js';
import { modelVersions, readManifest } from '../model-versions.js';
import { type CheckResult, errorText, withTimeout } from './check-result.js';

export interface ModelsCheckOptions {
  models: Config['models'];
  detection: Pick<Config['detection'], 'model'>;
  /** Per model: verifying and opening one session. */
  timeoutMs: number;
}

export async function checkModels(options: ModelsCheckOptions): Promise<CheckResult[]> {
  const { models, detection, timeoutMs } = options;
  const store = new ModelStore({
    dir: models.dir,
    precision: models.precision,
    floatModels: modelNames(models.floatModels),
    threads: 1,
  });
  let names: string[];
  try {
    const manifest = await readManifest(store.dir);
    names = modelVersions(manifest, (name) => store.precisionOf(name))
      .filter((v) => v.sha256 !== undefined)
      .map((v) => v.name);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const detail = missing
      ? `${store.dir}/manifest.json is missing; run \`npm run models\` to build the models`
      : `${store.dir}: ${errorText(error)}`;
    return [{ check: 'models', status: 'FAIL', detail }];
  }
  const rows: CheckResult[] = [];
  if (!names.includes(detection.model)) {
    rows.push({
      check: `model ${detection.model}`,
      status: 'FAIL',
      detail: `detection.model is "${detection.model}" but ${store.dir}/manifest.json has no ${models.precision} build of it`,
    });
  }
  try {
    for (const name of names)
      rows.push(await checkOne(store, name, store.precisionOf(name), timeoutMs));
  } finally {
    await store.close();
  }
  return rows;
}

async function checkOne(
  store: ModelStore,
  name: string,
  precision: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const check = `model ${name}`;
  const startedMs = performance.now();
  try {
    const bytes = store.verifiedBytes(name);
    const session = await withTimeout(store.session(name), timeoutMs, `loading ${name}`);
    const ms = Math.round(performance.now() - startedMs);
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    return {
      check,
      status: 'ok',
      detail: `${precision}, ${mb} MB, sha256 matches, loads (${session.inputNames.join(',')} → ${session.outputNames.length} output(s), ${ms} ms)`,
    };
  } catch (error) {
    // ModelFileError already names the file and how to fix it.
    return { check, status: 'FAIL', detail: errorText(error) };
  }
}
