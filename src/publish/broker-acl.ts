// Least-privilege mosquitto setup for a school's boxes (docs/security.md): an acl_file and a
// setup recipe for a list of rooms and devices. Pure: text in, text out. Every topic comes from
// TopicMap, so the ACL grants exactly what the daemon publishes and subscribes to.
import { slug } from '../config/formats.js';
import { defaultBaseTopic, TopicMap } from './topics.js';

export interface BoxEntry {
  room: string;
  device: string;
  /** Where the entry came from ("rooms.txt:3", "argument 2"), for errors. */
  where?: string;
}

export interface BrokerAclInput {
  boxes: BoxEntry[];
  /** User name of the hub (the school's dashboard/collector): reads every room, sends commands. */
  hub: string;
  /** User name of the admin/integrator credential: everything, for debugging and bridges. */
  admin: string;
  /**
   * Home Assistant's discovery prefix when the boxes run with mqtt.homeAssistant.enabled: each box
   * may publish its discovery configs, and the HA_USER reads them and the topics they name.
   */
  homeAssistant?: string;
}

/** The broker user of the school's Home Assistant (with BrokerAclInput.homeAssistant). */
export const HA_USER = 'homeassistant';
export const DEFAULT_HUB_USER = 'classpulse-hub';
export const DEFAULT_ADMIN_USER = 'classpulse-admin';

/** A box list, the hub or admin name that cannot be used; `where` names the file and line. */
export class BoxListError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'BoxListError';
  }
}

const SLUG = slug();
// One box per entry: "room-101 box-101", "room-101/box-101" or "room-101,box-101" (a spreadsheet
// export), so whatever list the school keeps can be pasted in.
const ENTRY = /^([^\s/,]+)\s*(?:[/,]|\s)\s*([^\s/,]+)$/;

/** Parses one entry; `where` is "rooms.txt:3" or "argument 2" for the error. */
export function parseBoxEntry(text: string, where: string): BoxEntry {
  const match = ENTRY.exec(text.trim());
  if (!match)
    throw new BoxListError(
      where,
      `"${text.trim()}" is not ROOM DEVICE (e.g. "room-101 box-101" or "room-101/box-101")`,
    );
  const [, room = '', device = ''] = match;
  checkName(room, `room "${room}"`, where);
  checkName(device, `device "${device}"`, where);
  return { room, device, where };
}

/** A box list file: one box per line, '#' starts a comment, blank lines are skipped. */
export function parseBoxList(text: string, file: string): BoxEntry[] {
  const boxes: BoxEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') boxes.push(parseBoxEntry(line, `${file}:${index + 1}`));
  });
  return boxes;
}

/** Duplicates, clashes with the hub/admin names and an empty list are errors, not warnings. */
function validateInput(input: BrokerAclInput): void {
  checkName(input.hub, `hub user "${input.hub}"`, '--hub');
  checkName(input.admin, `admin user "${input.admin}"`, '--admin');
  if (input.hub === input.admin)
    throw new BoxListError('--hub/--admin', `the hub and the admin need different user names`);
  if (input.homeAssistant !== undefined) {
    checkName(input.homeAssistant, `discovery prefix "${input.homeAssistant}"`, '--home-assistant');
    if (input.hub === HA_USER || input.admin === HA_USER)
      throw new BoxListError('--hub/--admin', `"${HA_USER}" is the Home Assistant user's name`);
  }
  if (input.boxes.length === 0)
    throw new BoxListError('boxes', 'no box given (ROOM/DEVICE arguments or --devices FILE)');
  const seen = new Map<string, string>();
  for (const { device, where = `device "${device}"` } of input.boxes) {
    const first = seen.get(device);
    if (first !== undefined)
      throw new BoxListError(
        where,
        `device "${device}" is listed twice (first at ${first}); each box needs its own device.id and credential`,
      );
    if (device === input.hub || device === input.admin || device === HA_USER)
      throw new BoxListError(where, `device "${device}" has the hub or admin user name`);
    seen.set(device, where);
  }
}

function checkName(name: string, what: string, where: string): void {
  try {
    SLUG(name);
  } catch (error) {
    throw new BoxListError(where, `${what} ${(error as Error).message}`);
  }
}

/**
 * What one box may do: write its own events and replies (and, with `homeAssistant`, its own
 * discovery configs), read its own commands.
 */
export function boxGrants(
  box: BoxEntry,
  homeAssistant?: string,
): { write: string[]; read: string[] } {
  const topics = new TopicMap({ baseTopic: defaultBaseTopic(box.room, box.device) });
  return {
    write: [
      topics.status,
      topics.health,
      topics.studentFilter,
      topics.alerts,
      topics.classSummary,
      topics.replyFilter,
      ...(homeAssistant !== undefined
        ? [topics.homeAssistantFilter(homeAssistant, box.device)]
        : []),
    ],
    read: [topics.commandFilter],
  };
}

/** The mosquitto acl_file. Box user names are device ids (also the CN of a client certificate). */
export function generateAcl(input: BrokerAclInput): string {
  validateInput(input);
  const lines = [
    `# classpulse broker ACL (mosquitto acl_file) for ${input.boxes.length} box(es), made by`,
    '# `classpulse broker-acl`. The permission model and the threats: docs/security.md.',
    '# No rule comes before the first user line, so an anonymous client may use no topic',
    '# (mosquitto.conf must also say allow_anonymous false). One user block per box: the room is',
    '# part of the topic but not of the credential, so a %u pattern would let a box post in any room.',
    '',
    '# The hub: reads every box, sends commands; it cannot publish box events.',
    `user ${input.hub}`,
  ];
  for (const box of input.boxes) {
    const topics = new TopicMap({ baseTopic: defaultBaseTopic(box.room, box.device) });
    lines.push(`topic read ${topics.base}/#`, `topic write ${topics.commandFilter}`);
  }
  lines.push(
    '',
    '# Admin/integrator: everything, for debugging and bridges; keep it off classroom machines.',
    `user ${input.admin}`,
    'topic readwrite #',
    'topic read $SYS/#',
  );
  if (input.homeAssistant !== undefined) lines.push('', ...homeAssistantBlock(input));
  for (const box of input.boxes) {
    const grants = boxGrants(box, input.homeAssistant);
    lines.push(
      '',
      `# Box ${box.device} in ${box.room}: its own events and replies out, its own commands in.`,
      `user ${box.device}`,
      ...grants.write.map((t) => `topic write ${t}`),
      ...grants.read.map((t) => `topic read ${t}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Home Assistant reads the discovery configs and the two topics they name per box (status for
 * availability and the camera, class for the counts); it announces itself on PREFIX/status.
 */
function homeAssistantBlock(input: BrokerAclInput): string[] {
  const prefix = input.homeAssistant ?? '';
  const lines = [
    '# Home Assistant: discovery configs and the class-level topics they name; nothing per student.',
    `user ${HA_USER}`,
    `topic read ${prefix}/#`,
    `topic write ${prefix}/status`,
  ];
  for (const box of input.boxes) {
    const topics = new TopicMap({ baseTopic: defaultBaseTopic(box.room, box.device) });
    lines.push(`topic read ${topics.status}`, `topic read ${topics.classSummary}`);
  }
  return lines;
}

export interface RecipeOptions {
  /** Where the files go on the broker host (Debian's mosquitto reads /etc/mosquitto/conf.d). */
  dir?: string;
}

/**
 * A shell script for the broker host: password file (mosquitto_passwd prompts for each password,
 * so none lands in a file or the shell history), the ACL, a conf.d snippet, and a restart.
 */
export function generateRecipe(input: BrokerAclInput, options: RecipeOptions = {}): string {
  const acl = generateAcl(input);
  const dir = options.dir ?? '/etc/mosquitto';
  const users = [
    input.hub,
    input.admin,
    ...(input.homeAssistant !== undefined ? [HA_USER] : []),
    ...input.boxes.map((b) => b.device),
  ];
  const boxLines = input.boxes.map(
    (b) =>
      `#   ${b.device}: device.id ${b.device}, device.room ${b.room}, mqtt.username ${b.device}`,
  );
  return `#!/bin/sh
# classpulse broker setup for mosquitto 2.x, made by \`classpulse broker-acl --recipe\`.
# Review it, then run it as root on the broker host. mosquitto_passwd asks for each password
# twice; use a different long random password per box (e.g. \`openssl rand -base64 18\`).
set -eu
PASSWD=${dir}/classpulse.passwd
ACL=${dir}/classpulse.acl
CONF=${dir}/conf.d/classpulse.conf

touch "$PASSWD"
${users.map((u) => `mosquitto_passwd "$PASSWD" ${u}`).join('\n')}
chown root:mosquitto "$PASSWD"
chmod 0640 "$PASSWD"

cat > "$ACL" <<'CLASSPULSE_ACL'
${acl}CLASSPULSE_ACL
chown root:mosquitto "$ACL"
chmod 0640 "$ACL"

cat > "$CONF" <<CLASSPULSE_CONF
# classpulse: no anonymous clients, one credential per box, the ACL above.
allow_anonymous false
password_file $PASSWD
acl_file $ACL
# Plain MQTT on the school network (passwords travel in clear; prefer the TLS listener below).
listener 1883
# TLS with client certificates whose CN is the device id (no password needed on the box):
#listener 8883
#cafile ${dir}/certs/school-ca.crt
#certfile ${dir}/certs/broker.crt
#keyfile ${dir}/certs/broker.key
#require_certificate true
#use_identity_as_username true
CLASSPULSE_CONF

systemctl restart mosquitto

# On each box, in /etc/classpulse/classpulse.yaml (leave mqtt.baseTopic empty):
${boxLines.join('\n')}
#   and mqtt.passwordFile: /etc/classpulse/mqtt-password holding that box's password (see
#   docs/operations.md), or a client certificate with CN = device id (mqtt.tls.cert/key).
# The hub connects as ${input.hub}; the admin credential (${input.admin}) stays with IT.
# Check from a box: \`classpulse doctor\` warns if the broker still takes anonymous clients or lets
# the box read '#'.
`;
}
