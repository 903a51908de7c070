// The hub's config schema, in the daemon's style (src/config/schema.ts): defaults, documentation
// and validation come from here, and config/hub.example.yaml is rendered from it (a test keeps the
// two equal). Users are not leaves: they are a mapping checked by src/hub/hub-config.ts.
import { anyText, brokerUrl, intIn, oneOf, slug, topicRoot } from '../config/formats.js';
import { type ConfigOf, leaf, type Section, schema } from '../config/schema.js';

/** Default retention: a school term is 12-16 weeks; 120 days keeps the longest whole. */
export const DEFAULT_RETENTION_DAYS = 120;

export const hubSchema = {
  server: {
    host: leaf(
      anyText('an IP address or host name'),
      '127.0.0.1',
      'Address the dashboard listens on. Localhost by default: put it on the school network ' +
        '(0.0.0.0) only with TLS configured.',
    ),
    port: leaf(intIn(0, 65_535), 8080, 'TCP port of the dashboard (0 picks a free one).'),
    tlsCert: leaf(
      anyText('a file path, or empty'),
      '',
      'Certificate (PEM) for HTTPS; with tlsKey the dashboard is served over TLS only and the ' +
        'session cookie is marked Secure.',
    ),
    tlsKey: leaf(anyText('a file path, or empty'), '', 'Private key (PEM) for tlsCert.'),
    sessionMinutes: leaf(
      intIn(5, 1440),
      480,
      'A login lasts this long (a school day by default); then the dashboard asks again.',
    ),
    loginAttemptsPerMinute: leaf(
      intIn(1, 1000),
      5,
      'Login attempts allowed per client address per minute; more get 429.',
    ),
  },
  mqtt: {
    url: leaf(brokerUrl(), 'mqtt://localhost:1883', 'The school broker the boxes publish to.'),
    baseTopic: leaf(
      topicRoot(),
      'classpulse',
      'Topic root the boxes publish under: <baseTopic>/<room>/<device>/… (the daemon default).',
    ),
    clientId: leaf(slug(), 'classpulse-hub', 'MQTT client id of the hub.'),
    username: leaf(anyText(), 'classpulse-hub', 'Broker user name (the hub user of broker-acl).'),
    // Credentials, keep-alive, reconnect and TLS mean what they mean on a box: the same leaves.
    password: schema.mqtt.password,
    passwordFile: schema.mqtt.passwordFile,
    protocolVersion: leaf(
      oneOf([4, 5] as const),
      5,
      'MQTT 3.1.1 (4, e.g. the embedded demo broker) or MQTT 5 (5).',
    ),
    sharedGroup: leaf(
      slug(true),
      '',
      'Several hubs: the same group name on each splits the storing of class summaries and ' +
        'alerts between them through an MQTT 5 shared subscription ($share/<group>/…); every ' +
        'hub still shows every room live. Needs protocolVersion 5, a distinct clientId per hub ' +
        'and one history.file they all share (docs/hub.md, "Several hubs"). Empty: one hub ' +
        'stores everything.',
    ),
    keepaliveS: schema.mqtt.keepaliveS,
    sessionExpiryS: leaf(
      intIn(0, 604_800),
      3600,
      'MQTT 5 session expiry: class summaries and alerts sent while the hub restarts wait this ' +
        'long (with sharedGroup, only for the live view: the shared history subscription keeps ' +
        'no session, so another hub takes over).',
    ),
    reconnectMinMs: schema.mqtt.reconnectMinMs,
    commandTimeoutS: leaf(
      intIn(1, 120),
      20,
      'How long the dashboard waits for a box to answer open/close camera (a box allows a ' +
        'command 15 s).',
    ),
    tls: schema.mqtt.tls,
  },
  history: {
    file: leaf(
      anyText('a file path'),
      '/var/lib/classpulse-hub/history.sqlite',
      'SQLite database of class summaries and alerts (lesson reports).',
    ),
    retentionDays: leaf(
      intIn(1, 3650),
      DEFAULT_RETENTION_DAYS,
      'Class summaries and alerts older than this are deleted (checked hourly). The default ' +
        'keeps one school term.',
    ),
  },
  metrics: {
    enabled: schema.metrics.enabled,
    host: schema.metrics.host,
    // Not the daemon's 9464: a hub and a box's daemon may share a machine in a small school.
    port: leaf(intIn(1, 65_535), 9465, 'Port of the hub metrics endpoint.'),
  },
  log: { level: schema.log.level, format: schema.log.format },
} satisfies Section;

export type Role = 'teacher' | 'admin';

export interface HubUser {
  name: string;
  role: Role;
  /** Rooms a teacher may see and command; ignored for admins (they see every room). */
  rooms: string[];
  /** scrypt$N$r$p$salt$key (src/hub/password-hash.ts). */
  passwordHash: string;
}

export type HubConfig = ConfigOf<typeof hubSchema> & { users: HubUser[] };
