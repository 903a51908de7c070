// Entry point of the `classpulse` command (bin/classpulse imports the compiled copy).
import { parseArgs } from 'node:util';
import { packageVersion } from '../config/load.js';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import { analyzeCommand } from './analyze-command.js';
import { brokerAclCommand } from './broker-acl-command.js';
import { configCheck, configShow } from './config-command.js';
import { doctorCommand } from './doctor-command.js';
import { enrollCommand } from './enroll-command.js';
import {
  ANALYZE_HELP,
  BENCH_HELP,
  BROKER_ACL_HELP,
  CONFIG_HELP,
  DOCTOR_HELP,
  ENROLL_HELP,
  HUB_HELP,
  MAIN_HELP,
  REPLAY_HELP,
  RUN_HELP,
  STUDENTS_HELP,
} from './help.js';
import { hubCheckCommand, hubCommand, hubDemoCommand, hubPasswdCommand } from './hub-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { studentsCommand } from './students-command.js';

function usage(message: string, help: string): ExitCodeValue {
  process.stderr.write(`classpulse: ${message}\n\n${help}\n`);
  return ExitCode.usage;
}

export async function main(argv: string[]): Promise<ExitCodeValue> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  const OPTIONS = {
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
    trace: { type: 'boolean' },
    fps: { type: 'string' },
    until: { type: 'string' },
    id: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    devices: { type: 'string' },
    hub: { type: 'string' },
    admin: { type: 'string' },
    recipe: { type: 'boolean' },
    annotate: { type: 'string' },
    port: { type: 'string' },
    'home-assistant': { type: 'string' },
  } as const;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usage((error as Error).message, MAIN_HELP);
  }
  const { values, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return ExitCode.ok;
  }
  switch (command) {
    case undefined:
      if (values.help) {
        process.stdout.write(`${MAIN_HELP}\n`);
        return ExitCode.ok;
      }
      return usage('a command is required', MAIN_HELP);
    case 'run':
      if (values.help) return printHelp(RUN_HELP);
      if (sub !== undefined) return usage(`run takes no argument (got "${sub}")`, RUN_HELP);
      if (values.trace || values.fps || values.until)
        return usage('--trace, --fps and --until belong to replay', RUN_HELP);
      return runCommand(values.config);
    case 'replay': {
      if (values.help) return printHelp(REPLAY_HELP);
      if (sub === undefined || rest.length > 0)
        return usage('replay takes exactly one video file', REPLAY_HELP);
      const media = mediaLimits(values);
      if (typeof media === 'string') return usage(media, REPLAY_HELP);
      return replayCommand({
        video: sub,
        config: values.config,
        trace: values.trace === true,
        ...media,
      });
    }
    case 'enroll':
      if (values.help) return printHelp(ENROLL_HELP);
      if (values.id === undefined) return usage('enroll needs --id <student-id>', ENROLL_HELP);
      return enrollCommand({
        id: values.id,
        paths: positionals.slice(1),
        ...(values.config ? { config: values.config } : {}),
      });
    case 'analyze': {
      if (values.help) return printHelp(ANALYZE_HELP);
      const paths = positionals.slice(1);
      if (paths.length === 0)
        return usage('analyze needs at least one image, video or folder', ANALYZE_HELP);
      const media = mediaLimits(values);
      if (typeof media === 'string') return usage(media, ANALYZE_HELP);
      if (values.annotate === '') return usage('--annotate needs a folder', ANALYZE_HELP);
      return analyzeCommand({
        paths,
        json: values.json === true,
        annotate: values.annotate,
        config: values.config,
        ...media,
      });
    }
    case 'students': {
      if (values.help) return printHelp(STUDENTS_HELP);
      if (sub !== 'list' && sub !== 'erase')
        return usage('students takes list or erase', STUDENTS_HELP);
      if (sub === 'list' && rest.length > 0) return usage('list takes no argument', STUDENTS_HELP);
      if (rest.length > 1) return usage('erase takes one student id', STUDENTS_HELP);
      return studentsCommand({
        action: sub,
        ...(rest[0] !== undefined ? { id: rest[0] } : {}),
        ...(values.all ? { all: true } : {}),
        ...(values.config ? { config: values.config } : {}),
      });
    }
    case 'bench': {
      if (values.help) return printHelp(BENCH_HELP);
      if (sub !== undefined) return usage(`bench takes no argument (got "${sub}")`, BENCH_HELP);
      // Loaded only here: the bench pulls in the tfjs reference (a development dependency).
      const { benchCommand } = await import('./bench-command.js');
      return benchCommand({
        json: values.json === true,
        config: values.config,
        quick: values.quick,
      });
    }
    case 'doctor':
      if (values.help) return printHelp(DOCTOR_HELP);
      if (sub !== undefined) return usage(`doctor takes no argument (got "${sub}")`, DOCTOR_HELP);
      return doctorCommand(values.config);
    case 'broker-acl':
      if (values.help) return printHelp(BROKER_ACL_HELP);
      return brokerAclCommand({
        entries: positionals.slice(1),
        ...(values.devices !== undefined ? { devices: values.devices } : {}),
        ...(values.hub !== undefined ? { hub: values.hub } : {}),
        ...(values.admin !== undefined ? { admin: values.admin } : {}),
        ...(values['home-assistant'] !== undefined
          ? { homeAssistant: values['home-assistant'] }
          : {}),
        recipe: values.recipe === true,
      });
    case 'hub':
      if (values.help) return printHelp(HUB_HELP);
      if (sub === undefined) return hubCommand(values.config);
      if (sub === 'check' && rest.length <= 1) return hubCheckCommand(rest[0] ?? values.config);
      if (sub === 'demo' && rest.length === 0) {
        const port = Number(values.port ?? 8080);
        if (!Number.isInteger(port) || port < 0 || port > 65_535)
          return usage(`--port must be a port number (got "${values.port}")`, HUB_HELP);
        return hubDemoCommand(port);
      }
      if (sub === 'passwd' && rest.length === 1)
        return hubPasswdCommand(rest[0] as string, values.config);
      return usage(`unknown hub subcommand "${[sub, ...rest].join(' ')}"`, HUB_HELP);
    case 'config':
      if (values.help) return printHelp(CONFIG_HELP);
      if (sub === 'check' && rest.length <= 1) return configCheck(rest[0] ?? values.config);
      if (sub === 'show' && rest.length === 0) return configShow(values.config);
      return usage(`unknown config subcommand "${[sub, ...rest].join(' ')}"`, CONFIG_HELP);
    default:
      return usage(`unknown command "${command}"`, MAIN_HELP);
  }
}

/** --fps and --until of replay and analyze, or the usage problem with them. */
function mediaLimits(values: {
  fps?: string | undefined;
  until?: string | undefined;
}): { fps: number | undefined; untilMs?: number } | string {
  const fps = values.fps === undefined ? undefined : Number(values.fps);
  if (fps !== undefined && !(fps >= 0.5 && fps <= 60))
    return `--fps must be a number from 0.5 to 60 (got "${values.fps}")`;
  const untilS = values.until === undefined ? undefined : Number(values.until);
  if (untilS !== undefined && !(untilS > 0))
    return `--until must be a positive number of seconds (got "${values.until}")`;
  return { fps, ...(untilS === undefined ? {} : { untilMs: untilS * 1000 }) };
}

function printHelp(text: string): ExitCodeValue {
  process.stdout.write(`${text}\n`);
  return ExitCode.ok;
}
