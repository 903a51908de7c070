// npx tsx tools/eval/blinks.ts [--fps N] [clip ...] — blink precision/recall/F1 and id switches of
// the daemon's perception against the hand-made ground truth (docs/perception.md quotes it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import type { EventOf } from '../../src/events/types.js';
import { silentLogger } from '../../src/log/logger.js';
import { openModels } from '../../src/runtime/wiring.js';
import {
  BLINK_CLIPS,
  BLINK_FIXTURES,
  BLINK_MEDIA,
  combineScores,
  loadTruth,
  scoreBlinks,
} from './blink-truth.js';
import { replayClip } from './replay-clip.js';

const { values, positionals } = parseArgs({
  options: { fps: { type: 'string' }, precision: { type: 'string' } },
  allowPositionals: true,
});
const env: NodeJS.ProcessEnv = values.precision
  ? { CLASSPULSE_MODELS_PRECISION: values.precision }
  : {};
const { config } = loadConfig({ file: '/dev/null', env });
const models = openModels(config);
const names = positionals.length > 0 ? positionals : Object.keys(BLINK_CLIPS);
const scores = [];
for (const name of names.filter((n) => existsSync(join(BLINK_FIXTURES, `${n}.json`)))) {
  const truth = loadTruth(name);
  const run = await replayClip({
    config,
    video: join(BLINK_MEDIA, BLINK_CLIPS[name] ?? name),
    ...(values.fps ? { fps: Number(values.fps) } : {}),
    models,
    logger: silentLogger(),
    // Never past the annotated (and allowed) part of a clip.
    maxMediaMs: (truth.frames * 1000) / truth.fps,
  });
  const blinks = run.events.filter((e): e is EventOf<'blink'> => e.type === 'blink');
  const score = scoreBlinks(truth, blinks);
  scores.push(score);
  process.stdout.write(
    `${JSON.stringify({ clip: name, fps: values.fps ?? 'all', frames: run.frames, tracks: run.tracksBorn, ...score, wallS: Math.round(run.wallMs / 100) / 10, totalMs: run.latencyMs.total })}\n`,
  );
}
process.stdout.write(`${JSON.stringify({ clip: 'all', ...combineScores(scores) })}\n`);
await models.close();
