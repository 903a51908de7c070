// Runs `classpulse bench` from the source tree (tsx), before the integrator wires the subcommand
// into src/cli/main.ts: `npx tsx tools/bench/run-bench.ts [--json] [--quick] [--config FILE]`.
import { benchCommand } from '../../src/cli/bench-command.js';

const argv = process.argv.slice(2);
const configAt = argv.indexOf('--config');
const code = await benchCommand({
  json: argv.includes('--json'),
  quick: argv.includes('--quick'),
  config: configAt >= 0 ? argv[configAt + 1] : undefined,
});
process.exitCode = code;
