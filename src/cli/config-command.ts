// `classpulse config check|show`.
import { stringify } from 'yaml';
import { ConfigError, formatIssue } from '../config/issues.js';
import { loadConfig } from '../config/load.js';
import { maskSensitive } from '../config/mask.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';

export function configCheck(file: string | undefined): ExitCodeValue {
  try {
    const loaded = loadConfig({ file });
    process.stdout.write(`config OK: ${loaded.file ?? 'defaults + environment'}\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportConfigError(error);
  }
}

export function configShow(file: string | undefined): ExitCodeValue {
  try {
    const { config, file: used } = loadConfig({ file });
    const shown = maskSensitive(config);
    process.stdout.write(`# effective config from ${used ?? 'defaults + environment'}\n`);
    process.stdout.write(stringify(shown));
    return ExitCode.ok;
  } catch (error) {
    return reportConfigError(error);
  }
}

/** Prints a ConfigError's issues one per line on stderr; anything else is a bug. */
export function reportConfigError(error: unknown): ExitCodeValue {
  if (error instanceof ConfigError) {
    process.stderr.write(
      `classpulse: invalid configuration (${error.issues.length} problem(s)):\n`,
    );
    for (const issue of error.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
    return ExitCode.config;
  }
  throw error;
}
