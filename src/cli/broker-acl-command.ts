// `classpulse broker-acl [ROOM/DEVICE...] [--devices FILE] [--hub USER] [--admin USER]
// [--home-assistant PREFIX] [--recipe]`:
// prints the mosquitto acl_file for the school's boxes (or, with --recipe, a setup script for the
// broker host). Exit codes: 0 printed, 64 bad arguments or a bad line in the list, 66 the list
// file cannot be read.
import { readFileSync } from 'node:fs';
import { ExitCode, type ExitCodeValue } from '../daemon/exit-codes.js';
import {
  BoxListError,
  DEFAULT_ADMIN_USER,
  DEFAULT_HUB_USER,
  generateAcl,
  generateRecipe,
  parseBoxEntry,
  parseBoxList,
} from '../publish/broker-acl.js';
import type { CommandStreams } from './enroll-command.js';

export interface BrokerAclArgs {
  /** ROOM/DEVICE entries from the command line. */
  entries: string[];
  /** A file with one box per line. */
  devices?: string;
  hub?: string;
  admin?: string;
  /** Home Assistant's discovery prefix: the boxes publish discovery configs under it. */
  homeAssistant?: string;
  recipe?: boolean;
}

export function brokerAclCommand(args: BrokerAclArgs, streams: CommandStreams = {}): ExitCodeValue {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  let text: string | undefined;
  if (args.devices !== undefined) {
    try {
      text = readFileSync(args.devices, 'utf8');
    } catch (error) {
      err.write(
        `classpulse broker-acl: cannot read the box list ${args.devices}: ${(error as Error).message}\n`,
      );
      return ExitCode.noInput;
    }
  }
  try {
    const boxes = args.entries.map((entry, i) => parseBoxEntry(entry, `argument ${i + 1}`));
    if (text !== undefined && args.devices !== undefined)
      boxes.push(...parseBoxList(text, args.devices));
    const input = {
      boxes,
      hub: args.hub ?? DEFAULT_HUB_USER,
      admin: args.admin ?? DEFAULT_ADMIN_USER,
      ...(args.homeAssistant !== undefined ? { homeAssistant: args.homeAssistant } : {}),
    };
    out.write(args.recipe ? generateRecipe(input) : generateAcl(input));
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof BoxListError)) throw error;
    err.write(`classpulse broker-acl: ${error.message}\n`);
    return ExitCode.usage;
  }
}
