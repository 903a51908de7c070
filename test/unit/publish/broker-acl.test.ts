// The ACL generator on its own: the box list parser and its errors, least privilege per box
// derived from the daemon's topic map, and docs/security.md showing exactly what it generates.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BoxEntry,
  boxGrants,
  DEFAULT_ADMIN_USER,
  DEFAULT_HUB_USER,
  generateAcl,
  generateRecipe,
  parseBoxEntry,
  parseBoxList,
} from '../../../src/publish/broker-acl.js';
import { TopicMap } from '../../../src/publish/topics.js';
import { topicMatches } from '../../helpers/topic-match.js';

const users = { hub: DEFAULT_HUB_USER, admin: DEFAULT_ADMIN_USER };
const strip = (boxes: BoxEntry[]) => boxes.map(({ room, device }) => ({ room, device }));

describe('box list', () => {
  it('takes "room device", "room/device" and "room,device", comments and blank lines', () => {
    const text = '# rooms\nroom-101 box-101\n\n  room-102/box-102  # upstairs\nlab,box_9\r\n';
    expect(strip(parseBoxList(text, 'rooms.txt'))).toEqual([
      { room: 'room-101', device: 'box-101' },
      { room: 'room-102', device: 'box-102' },
      { room: 'lab', device: 'box_9' },
    ]);
  });

  it('names the file, the line and what is wrong', () => {
    expect(() => parseBoxList('r1 b1\nr2 b 2\n', 'rooms.txt')).toThrow(
      'rooms.txt:2: "r2 b 2" is not ROOM DEVICE',
    );
    expect(() => parseBoxEntry('room-1/box#1', 'argument 1')).toThrow(
      `argument 1: device "box#1" must be 1-64 characters of letters, digits, '-' or '_'`,
    );
    expect(() => parseBoxEntry('r+/b', 'argument 2')).toThrow(/argument 2: room "r\+"/);
    const twice = parseBoxList('r1 b1\nr2 b1\n', 'rooms.txt');
    expect(() => generateAcl({ boxes: twice, ...users })).toThrow(
      'rooms.txt:2: device "b1" is listed twice (first at rooms.txt:1)',
    );
    const hubNamed = [parseBoxEntry(`r1/${DEFAULT_HUB_USER}`, 'argument 1')];
    expect(() => generateAcl({ boxes: hubNamed, ...users })).toThrow(/hub or admin user name/);
    expect(() => generateAcl({ boxes: [], ...users })).toThrow(/no box given/);
    expect(() => generateAcl({ boxes: twice.slice(0, 1), hub: 'x', admin: 'x' })).toThrow(
      /different user names/,
    );
  });
});

describe('generated ACL', () => {
  const boxes = [
    { room: 'room-101', device: 'box-101' },
    { room: 'room-102', device: 'box-102' },
  ];

  it('lets a box write every topic the daemon publishes and read only its commands', () => {
    const topics = new TopicMap({ baseTopic: 'classpulse/room-101/box-101' });
    const grants = boxGrants(boxes[0] as BoxEntry);
    const published = [
      topics.status,
      topics.health,
      topics.alerts,
      topics.classSummary,
      topics.student('anon-3'),
      topics.commandReply('status'),
      topics.commandReply('x'.repeat(40)), // the _invalid reply topic
    ];
    for (const topic of published)
      expect(grants.write.some((g) => topicMatches(g, topic))).toBe(true);
    expect(grants.read).toEqual([topics.commandFilter]);
    const forbidden = [
      'classpulse/room-101/box-101/cmd/stop',
      'classpulse/room-102/box-102/status',
      'classpulse/room-102/box-101/status', // its own id in another room
      'classpulse/room-101/box-101/students/t1/extra',
      'classpulse/room-101/box-101/other',
    ];
    for (const topic of forbidden)
      expect(grants.write.some((g) => topicMatches(g, topic))).toBe(false);
  });

  it('gives no rule to anonymous clients and one block to each user', () => {
    const acl = generateAcl({ boxes, ...users });
    const rules = acl.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(rules[0]).toBe(`user ${DEFAULT_HUB_USER}`);
    expect(rules.filter((l) => l.startsWith('user '))).toEqual([
      `user ${DEFAULT_HUB_USER}`,
      `user ${DEFAULT_ADMIN_USER}`,
      'user box-101',
      'user box-102',
    ]);
    expect(rules.filter((l) => l.startsWith('pattern'))).toEqual([]);
  });

  it('is what docs/security.md shows', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/security.md'), 'utf8');
    const match = /<!-- generated: (.+?) -->\n```text\n([\s\S]*?)```/.exec(doc);
    if (!match) throw new Error('docs/security.md has no generated ACL block');
    const args = (match[1] ?? '').split(' ');
    const generated = generateAcl({
      boxes: args.map((a, i) => parseBoxEntry(a, `argument ${i + 1}`)),
      ...users,
    });
    expect(match[2]).toBe(generated);
  });

  it('makes a recipe with every user, the ACL verbatim and anonymous access off', () => {
    const input = { boxes, ...users };
    const recipe = generateRecipe(input);
    for (const user of [DEFAULT_HUB_USER, DEFAULT_ADMIN_USER, 'box-101', 'box-102'])
      expect(recipe).toContain(`mosquitto_passwd "$PASSWD" ${user}\n`);
    expect(recipe).toContain(`<<'CLASSPULSE_ACL'\n${generateAcl(input)}CLASSPULSE_ACL\n`);
    expect(recipe).toMatch(/^allow_anonymous false$/m);
    expect(recipe).toMatch(/^acl_file \$ACL$/m);
    expect(recipe).toContain('#use_identity_as_username true');
  });
});
