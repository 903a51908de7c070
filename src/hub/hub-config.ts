// Loads the hub's YAML config the way the daemon's is loaded (src/config/load.ts): every key
// checked against the schema, unknown keys named with a nearby suggestion, every problem reported
// at once with file:line. The `users` mapping is checked here (role, rooms, scrypt hash).
import convict from 'convict';
import { ConfigError, type ConfigIssue } from '../config/issues.js';
import { checkShape, getPath, mergeLeaves, readSecrets, readYaml } from '../config/load.js';
import { readPem } from '../publish/client-options.js';
import { type HubConfig, type HubUser, hubSchema, type Role } from './hub-schema.js';
import { parsePasswordHash } from './password-hash.js';

/** Where `classpulse hub` looks when --config is not given. */
export const DEFAULT_HUB_CONFIG_PATH = '/etc/classpulse/hub.yaml';

const ROLES: readonly Role[] = ['teacher', 'admin'];
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const ROOM = /^[A-Za-z0-9_-]{1,64}$/;
const USER_KEYS = ['role', 'rooms', 'passwordHash'];

type Tree = Record<string, unknown>;

export function loadHubConfig(file: string): HubConfig {
  const issues: ConfigIssue[] = [];
  const sources = new Map<string, string>();
  const tree = readYaml(file, sources);
  const { users: rawUsers, ...rest } = tree;
  checkShape(rest, hubSchema, '', issues, sources, hubSchema);
  const merged = mergeLeaves({ root: hubSchema, fromFile: rest, sources, issues });
  const users = readUsers(rawUsers, issues, sources);
  if (issues.length === 0) readSecrets(merged, issues, sources);
  if (getPath(merged, 'server.tlsCert') !== '' && getPath(merged, 'server.tlsKey') === '')
    issues.push({ path: 'server.tlsKey', problem: 'required when server.tlsCert is set' });
  if (getPath(merged, 'server.tlsKey') !== '' && getPath(merged, 'server.tlsCert') === '')
    issues.push({ path: 'server.tlsCert', problem: 'required when server.tlsKey is set' });
  const group = getPath(merged, 'mqtt.sharedGroup');
  if (group !== '' && getPath(merged, 'mqtt.protocolVersion') !== 5) {
    const source = sources.get('mqtt.sharedGroup');
    issues.push({
      path: 'mqtt.sharedGroup',
      problem:
        'shared subscriptions need mqtt.protocolVersion 5 (an MQTT 5 broker such as mosquitto 2; ' +
        'the embedded demo broker speaks 3.1.1 only): set protocolVersion 5 or leave sharedGroup empty',
      value: group,
      ...(source ? { source } : {}),
    });
  }
  const settled = issues.length === 0;
  for (const key of ['server.tlsCert', 'server.tlsKey'] as const) {
    const path = getPath(merged, key) as string;
    if (!settled || path === '') continue;
    try {
      readPem(key, path);
    } catch (error) {
      const source = sources.get(key);
      issues.push({ path: key, problem: (error as Error).message, ...(source ? { source } : {}) });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  // Final guard, as for the daemon: convict's strict validation over the same schema.
  const store = convict(hubSchema as unknown as convict.Schema<Tree>);
  store.load(merged);
  store.validate({ allowed: 'strict' });
  return { ...(store.getProperties() as unknown as Omit<HubConfig, 'users'>), users };
}

function readUsers(raw: unknown, issues: ConfigIssue[], sources: Map<string, string>): HubUser[] {
  const fail = (path: string, problem: string, value?: unknown, allowed?: string) => {
    const source = sources.get(path);
    issues.push({
      path,
      problem,
      ...(value === undefined ? {} : { value }),
      ...(allowed ? { allowed } : {}),
      ...(source ? { source } : {}),
    });
  };
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail('users', 'must be a mapping of user name to {role, rooms, passwordHash}', raw);
    return [];
  }
  const users: HubUser[] = [];
  for (const [name, entry] of Object.entries(raw as Tree)) {
    const path = `users.${name}`;
    if (!NAME.test(name)) fail(path, 'invalid user name', name, '1-64 of A-Z a-z 0-9 . _ @ -');
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      fail(path, 'must be a mapping with role, rooms and passwordHash', entry);
      continue;
    }
    const user = entry as Tree;
    for (const key of Object.keys(user))
      if (!USER_KEYS.includes(key))
        fail(`${path}.${key}`, 'unknown key in a user', undefined, USER_KEYS.join(', '));
    const role = user.role;
    if (!ROLES.includes(role as Role))
      fail(`${path}.role`, 'invalid value', role, ROLES.map((r) => `"${r}"`).join(' or '));
    const rooms = user.rooms ?? [];
    const roomsOk =
      Array.isArray(rooms) && rooms.every((r) => typeof r === 'string' && ROOM.test(r));
    if (!roomsOk)
      fail(
        `${path}.rooms`,
        'invalid value',
        rooms,
        'a list of room names (device.room of the boxes)',
      );
    const hash = user.passwordHash;
    if (typeof hash !== 'string' || !parsePasswordHash(hash))
      fail(
        `${path}.passwordHash`,
        'not a password hash',
        typeof hash === 'string' ? `${hash.slice(0, 12)}…` : hash,
        'the line `classpulse hub passwd USER` prints',
      );
    if (roomsOk && ROLES.includes(role as Role) && typeof hash === 'string')
      users.push({ name, role: role as Role, rooms: rooms as string[], passwordHash: hash });
  }
  return users;
}
