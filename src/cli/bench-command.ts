// `classpulse bench [--json] [--quick] [--config FILE]`: measures the pipeline on real frames and a
// synthetic classroom (docs/performance.md). Tables on stdout, or with --json one JSON object as
// the last stdout line; progress and logs on stderr.
import { runBench } from '../bench/bench.js';
import { formatReport } from '../bench/report.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { createLogger } from '../log/logger.js';
import { ModelFileError } from '../pipeline/model-store.js';
import { reportConfigError } from './config-command.js';

export interface BenchArgs {
  json: boolean;
  config?: string | undefined;
  /** A short run (seconds, not minutes) with the same report shape, for tests. */
  quick?: boolean | undefined;
}

export async function benchCommand(args: BenchArgs): Promise<ExitCodeValue> {
  let config: Config;
  try {
    config = loadConfig({ file: args.config }).config;
  } catch (error) {
    return reportConfigError(error);
  }
  // stdout carries the report only; the pipeline's own logs stay quiet unless they warn.
  const logger = createLogger({ log: { ...config.log, level: 'warn' }, destination: 'stderr' });
  try {
    const report = await runBench({ config, logger, quick: args.quick ?? false });
    process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof ModelFileError) {
      process.stderr.write(`classpulse: ${error.message}\n`);
      return ExitCode.config;
    }
    throw error;
  }
}
