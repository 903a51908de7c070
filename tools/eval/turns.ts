// npx tsx tools/eval/turns.ts [--traces DIR] [--precision fp32|int8] [clip ...] — head-turn
// precision/recall/F1 of the daemon's perception against the hand-made truth in
// test/fixtures/turns (docs/ground-truth.md; docs/perception.md quotes it). With --traces DIR, a
// clip's turns are read from DIR/<clip>.jsonl, the output of
//   bin/classpulse replay VIDEO --trace [--until S] > DIR/<clip>.jsonl
// when that file exists; otherwise the clip is replayed in-process (the same path as `replay`)
// and, with --traces, its trace is written there. Clips whose video is absent are skipped.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/log/logger.js';
import { openModels } from '../../src/runtime/wiring.js';
import { replayClip } from './replay-clip.js';
import {
  clipPath,
  combineTurnScores,
  loadTurnTruth,
  scoreTurns,
  type TurnScore,
  turnClipNames,
  turnsFromTrace,
} from './turn-truth.js';

const { values, positionals } = parseArgs({
  options: { traces: { type: 'string' }, precision: { type: 'string' } },
  allowPositionals: true,
});
const env: NodeJS.ProcessEnv = values.precision
  ? { CLASSPULSE_MODELS_PRECISION: values.precision }
  : {};
const { config } = loadConfig({ file: '/dev/null', env });
const models = openModels(config);
const names = positionals.length > 0 ? positionals : turnClipNames();
const scores: TurnScore[] = [];
for (const name of names) {
  const truth = loadTurnTruth(name);
  const video = clipPath(truth);
  const tracePath = values.traces ? join(values.traces, `${name}.jsonl`) : undefined;
  let trace: string;
  if (tracePath && existsSync(tracePath)) {
    trace = readFileSync(tracePath, 'utf8');
  } else if (video) {
    const run = await replayClip({
      config,
      video,
      models,
      logger: silentLogger(),
      ...(truth.maxMediaMs === undefined ? {} : { maxMediaMs: truth.maxMediaMs }),
    });
    trace = run.events.map((e) => `${JSON.stringify(e)}\n`).join('');
    if (tracePath && values.traces) {
      mkdirSync(values.traces, { recursive: true });
      writeFileSync(tracePath, trace);
    }
  } else {
    process.stderr.write(`${name}: skipped, ${truth.video} is not on this machine\n`);
    continue;
  }
  const score = scoreTurns(truth, turnsFromTrace(trace));
  scores.push(score);
  process.stdout.write(`${JSON.stringify({ clip: name, kind: truth.kind, ...score })}\n`);
}
process.stdout.write(`${JSON.stringify({ clip: 'all', ...combineTurnScores(scores) })}\n`);
await models.close();
