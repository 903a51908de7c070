// Renders config/hub.example.yaml from the hub schema, as config/classpulse.example.yaml is
// rendered from the daemon's (test/unit/hub/hub-config.test.ts compares the two).
import { renderExample } from '../config/example.js';
import { hubSchema } from './hub-schema.js';

const HEADER = `# classpulse hub configuration — every key, its default and what it does.
# Copy to /etc/classpulse/hub.yaml (mode 0600: it holds password hashes) and change what you need;
# keys you leave out keep their defaults. Unknown keys are errors. Run the hub with
# \`classpulse hub --config /etc/classpulse/hub.yaml\` (docs/hub.md).
# Generated from src/hub/hub-schema.ts by \`npm run config:example\`: edit the schema, not this file.
`;

const USERS = `
# Who may log in. teacher: the rooms listed (device.room of their boxes); admin: every room.
# \`classpulse hub passwd USER --config /etc/classpulse/hub.yaml\` asks for a password and writes
# its scrypt hash here. The hash below is an example only: it matches no password.
users:
  ms-lee:
    role: teacher
    rooms: [room-101, room-102]
    passwordHash: scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
  it-office:
    role: admin
    rooms: []
    passwordHash: scrypt$16384$8$1$AQEBAQEBAQEBAQEBAQEBAQ==$AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=
`;

export function renderHubExample(): string {
  return `${renderExample({ schema: hubSchema, header: HEADER, env: false })}${USERS}`;
}
