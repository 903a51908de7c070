// The dashboard's HTTP side (fastify): login, session cookie, CSRF on every state-changing
// request, the rooms API, lesson reports, open/close camera, Server-Sent Events and the static
// dashboard. Only /healthz and what the login page needs are served without a session.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { PACKAGE_ROOT } from '../config/load.js';
import type { HubConfig } from './hub-schema.js';
import { type RoomRoutesDeps, registerRoomRoutes } from './room-routes.js';
import { csrfMatches, type Session, type SessionStore } from './session-store.js';

const SESSION_COOKIE = 'classpulse_session';
/** The dashboard's files: plain ES modules, HTML and CSS, served as they are (no bundler). */
const WEB_DIR = join(PACKAGE_ROOT, 'src', 'hub', 'web');
/** Served without a session: the login page and what it loads. */
const PUBLIC_PATHS = new Set(['/healthz', '/api/login', '/login.html', '/login.js', '/style.css']);
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
}

export interface HubServerOptions extends RoomRoutesDeps {
  server: HubConfig['server'];
  sessions: SessionStore;
  logger: Logger;
  health: () => Record<string, unknown>;
  /** What the admin's settings page shows (secrets masked, no password hashes). */
  settings: () => Record<string, unknown>;
}

export async function buildHubServer(options: HubServerOptions): Promise<FastifyInstance> {
  const { server, sessions } = options;
  const tls = server.tlsCert !== '' && server.tlsKey !== '';
  const app = Fastify({
    loggerInstance: options.logger.child({ module: 'http' }),
    // Logins, refusals and commands are logged by the routes; one line per request is noise.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    ...(tls
      ? { https: { cert: readFileSync(server.tlsCert), key: readFileSync(server.tlsKey) } }
      : {}),
  }) as unknown as FastifyInstance;

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    );
    const path = request.url.split('?')[0] ?? '/';
    if (PUBLIC_PATHS.has(path)) return;
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    if (!session) return refuseAnonymous(request, reply, path);
    if (
      UNSAFE_METHODS.has(request.method) &&
      !csrfMatches(session, request.headers['x-csrf-token'])
    )
      return reply
        .code(403)
        .send({ error: 'missing or wrong CSRF token: reload the page and try again' });
    request.session = session;
  });

  app.get('/healthz', async () => ({ ok: true, ...options.health() }));

  app.post(
    '/api/login',
    { config: { rateLimit: { max: server.loginAttemptsPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = request.body as { user?: unknown; password?: unknown } | undefined;
      if (typeof body?.user !== 'string' || typeof body.password !== 'string')
        return reply.code(400).send({ error: 'send JSON {"user": "…", "password": "…"}' });
      const session = await sessions.login(body.user, body.password);
      if (!session) {
        request.log.warn({ user: body.user.slice(0, 64), ip: request.ip }, 'login refused');
        return reply.code(401).send({ error: 'wrong user name or password' });
      }
      request.log.info({ user: session.user }, 'login');
      reply.setCookie(SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: tls,
        path: '/',
        maxAge: server.sessionMinutes * 60,
      });
      return { user: session.user, role: session.role, csrfToken: session.csrfToken };
    },
  );

  app.post('/api/logout', async (request, reply) => {
    const id = request.session?.id as string;
    sessions.logout(id);
    options.events.closeSession(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/session', async (request) => {
    const s = request.session as Session;
    return { user: s.user, role: s.role, csrfToken: s.csrfToken, expiresMs: s.expiresMs };
  });

  app.get('/api/admin/settings', async (request, reply) => {
    if (request.session?.role !== 'admin')
      return reply.code(403).send({ error: 'only an admin may see the hub settings' });
    return options.settings();
  });

  registerRoomRoutes(app, options);

  await app.register(fastifyStatic, { root: WEB_DIR, prefix: '/', index: ['index.html'] });
  const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot'));
  await app.register(fastifyStatic, {
    root: uplotDir,
    prefix: '/vendor/uplot/',
    decorateReply: false,
    allowedPath: (path) => path === '/uPlot.esm.js' || path === '/uPlot.min.css',
  });
  return app;
}

function refuseAnonymous(request: FastifyRequest, reply: FastifyReply, path: string) {
  if (path.startsWith('/api/'))
    return reply.code(401).send({ error: 'not logged in, or the session expired: log in again' });
  // Pages go to the login page, which comes back here after login.
  const back = encodeURIComponent(request.url);
  return reply.redirect(`/login.html?next=${back}`, 303);
}
