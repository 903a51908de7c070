// The rooms API (all behind a session, see hub-server.ts): the overview, one room's live state,
// its lesson report (JSON or CSV), open/close camera, and the event stream. An unknown room is a
// 404 naming it; a room that exists but is not the user's is a 403.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CommandDesk, HUB_COMMANDS, type HubCommand } from './command-desk.js';
import type { EventStream } from './event-stream.js';
import type { HistoryStore } from './history-store.js';
import { buildReport, reportCsv } from './lesson-report.js';
import type { RoomStore } from './room-store.js';
import { canSeeRoom, type Session } from './session-store.js';

/** A report without `from` covers this much before `to`. */
const DEFAULT_REPORT_SPAN_MS = 24 * 3_600_000;

export interface RoomRoutesDeps {
  store: RoomStore;
  history: HistoryStore;
  desk: CommandDesk;
  events: EventStream;
  /** Rooms named in the users' config: known even before a box reports from them. */
  configuredRooms: readonly string[];
  now?: () => number;
}

type RoomParams = { room: string };

export function registerRoomRoutes(app: FastifyInstance, deps: RoomRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const known = (): Set<string> =>
    new Set([...deps.store.roomNames(), ...deps.history.rooms(), ...deps.configuredRooms]);

  /** The room if this session may see it; otherwise the reply is sent and undefined returned. */
  const allowed = (request: FastifyRequest, reply: FastifyReply, room: string) => {
    if (!known().has(room)) {
      void reply.code(404).send({ error: `unknown room "${room}": no box has reported from it` });
      return undefined;
    }
    if (!canSeeRoom(request.session as Session, room)) {
      void reply.code(403).send({ error: `room "${room}" is not one of your rooms` });
      return undefined;
    }
    return room;
  };

  app.get('/api/rooms', async (request) => {
    const session = request.session as Session;
    const rooms = [...known()]
      .filter((room) => canSeeRoom(session, room))
      .sort()
      .map(
        (room) =>
          deps.store.summary(room) ?? {
            room,
            devices: [],
            students: 0,
            tired: 0,
            lookingAround: 0,
            alerts: 0,
            lastMs: 0,
          },
      );
    return { rooms };
  });

  app.get<{ Params: RoomParams }>('/api/rooms/:room', async (request, reply) => {
    const room = allowed(request, reply, request.params.room);
    if (room === undefined) return reply;
    return (
      deps.store.view(room) ?? {
        room,
        devices: [],
        students: [],
        alerts: [],
        attention: [],
        lastMs: 0,
      }
    );
  });

  app.get<{ Params: RoomParams; Querystring: { from?: string; to?: string; format?: string } }>(
    '/api/rooms/:room/report',
    async (request, reply) => {
      const room = allowed(request, reply, request.params.room);
      if (room === undefined) return reply;
      const { from, to, format = 'json' } = request.query;
      const toMs = to === undefined ? now() : parseTime(to);
      const fromMs = from === undefined ? (toMs ?? 0) - DEFAULT_REPORT_SPAN_MS : parseTime(from);
      if (
        toMs === undefined ||
        fromMs === undefined ||
        fromMs >= toMs ||
        !/^(json|csv)$/.test(format)
      )
        return reply.code(400).send({
          error:
            'from/to must be ISO 8601 times or ms since the epoch, from before to; format json or csv',
        });
      const report = buildReport({
        room,
        fromMs,
        toMs,
        attention: deps.history.attention(room, fromMs, toMs),
        alerts: deps.history.alerts(room, fromMs, toMs),
      });
      if (format === 'json') return report;
      const day = new Date(fromMs).toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="classpulse-${room}-${day}.csv"`)
        .send(reportCsv(report));
    },
  );

  app.post<{ Params: RoomParams & { device: string; name: string } }>(
    '/api/rooms/:room/devices/:device/commands/:name',
    async (request, reply) => {
      const room = allowed(request, reply, request.params.room);
      if (room === undefined) return reply;
      const { device, name } = request.params;
      if (!(HUB_COMMANDS as readonly string[]).includes(name))
        return reply.code(400).send({ error: `commands: ${HUB_COMMANDS.join(', ')}` });
      const devices = deps.store.view(room)?.devices.map((d) => d.device) ?? [];
      if (!devices.includes(device))
        return reply.code(404).send({ error: `no box "${device}" in room "${room}"` });
      request.log.info({ user: request.session?.user, room, device, command: name }, 'command');
      const outcome = await deps.desk.send(room, device, name as HubCommand);
      return reply.code(outcome.answered ? 200 : 504).send(outcome);
    },
  );

  app.get<{ Querystring: { room?: string } }>('/api/events', async (request, reply) => {
    const room = request.query.room;
    if (room !== undefined && allowed(request, reply, room) === undefined) return reply;
    reply.hijack();
    deps.events.open(reply.raw, request.session as Session, room, now());
    return reply;
  });
}

function parseTime(text: string): number | undefined {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
