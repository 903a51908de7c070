// Access control of the hub's HTTP side (fastify inject, a real mosquitto behind): nothing but
// /healthz and the login page without a session, a bad login refused and rate-limited, the
// session cookie's attributes, expiry, CSRF on state-changing requests, 403 for another
// teacher's room and 404 for an unknown one, and the lesson report as JSON and CSV.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { connect } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxMessages } from '../../helpers/box-messages.js';
import { PASSWORDS, TestHub } from '../../helpers/hub.js';
import { Mosquitto } from '../../helpers/mosquitto.js';
import { waitFor } from '../publish/support.js';

describe('hub access control', () => {
  let broker: Mosquitto;
  let hub: TestHub;
  const start = Date.now();
  let clock = start;

  const inject = (options: InjectOptions): Promise<LightMyRequestResponse> =>
    hub.hub.server.inject(options);

  async function login(user: keyof typeof PASSWORDS, password = PASSWORDS[user]) {
    const response = await inject({
      method: 'POST',
      url: '/api/login',
      payload: { user, password },
    });
    const cookie = String(response.headers['set-cookie'] ?? '').split(';')[0] as string;
    return { response, cookie, csrf: response.json().csrfToken as string };
  }

  beforeAll(async () => {
    broker = await Mosquitto.start();
    hub = await TestHub.start({
      brokerUrl: broker.url,
      now: () => clock,
      server: ['loginAttemptsPerMinute: 4'],
    });
    const box = connect(broker.url, { clientId: 'box', protocolVersion: 5 });
    await new Promise((resolve) => box.once('connect', resolve));
    const lab = new BoxMessages('lab', 'box-1');
    await box.publishAsync(lab.topic('status'), JSON.stringify(lab.status('open', clock)), {
      qos: 1,
    });
    await box.publishAsync(lab.topic('class'), JSON.stringify(lab.classSummary(0.8, clock)), {
      qos: 1,
    });
    await box.publishAsync(
      lab.topic('alerts'),
      JSON.stringify(lab.alert('tired', 'anon-1', '=HYPERLINK("x"), PERCLOS 0.2', clock + 1)),
      { qos: 1 },
    );
    await waitFor('lab', () => hub.hub.store.view('lab')?.alerts.length === 1);
    await box.endAsync();
  });
  afterAll(async () => {
    await hub?.stop();
    await broker?.stop();
  });

  it('serves only /healthz and the login page without a session', async () => {
    expect((await inject({ url: '/healthz' })).json()).toMatchObject({ ok: true });
    expect((await inject({ url: '/login.html' })).statusCode).toBe(200);
    const page = await inject({ url: '/' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login.html?next=%2F');
    for (const url of ['/api/rooms', '/api/rooms/lab', '/api/events', '/app.js']) {
      const response = await inject({ url });
      expect([401, 303], url).toContain(response.statusCode);
    }
    expect((await inject({ url: '/api/rooms' })).json().error).toMatch(/log in again/);
  });

  it('refuses a wrong password and sets a strict HttpOnly cookie on a right one', async () => {
    const bad = await login('teacher', 'wrong');
    expect(bad.response.statusCode).toBe(401);
    expect(bad.response.json()).toEqual({ error: 'wrong user name or password' });
    expect((await login('nobody' as 'teacher', 'x')).response.statusCode).toBe(401);
    const good = await login('teacher');
    expect(good.response.statusCode).toBe(200);
    expect(good.response.json()).toEqual({
      user: 'teacher',
      role: 'teacher',
      csrfToken: expect.any(String),
    });
    const setCookie = String(good.response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain HTTP here; with server.tlsCert it is Secure
  });

  it('rate-limits login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await login('teacher', 'guess')).response.statusCode);
    // 4 per minute: the 3 attempts of the test before and this one's first use them up.
    expect(codes.at(-1)).toBe(429);
  });

  it('gives 403 for another teacher’s room, 404 for an unknown one, all rooms to an admin', async () => {
    clock += 61_000; // a new rate-limit window does not matter for inject; sessions use the clock
    const { cookie } = await hubLogin('teacher');
    const other = await hubLogin('other');
    const admin = await hubLogin('admin');
    expect((await inject({ url: '/api/rooms/lab', headers: { cookie } })).statusCode).toBe(200);
    const forbidden = await inject({ url: '/api/rooms/lab', headers: { cookie: other.cookie } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('room "lab" is not one of your rooms');
    const unknown = await inject({ url: '/api/rooms/nowhere', headers: { cookie } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/unknown room "nowhere"/);
    const rooms = (await inject({ url: '/api/rooms', headers: { cookie: admin.cookie } })).json();
    expect(rooms.rooms.map((r: { room: string }) => r.room)).toEqual(['lab', 'music']);
    const mine = (await inject({ url: '/api/rooms', headers: { cookie: other.cookie } })).json();
    expect(mine.rooms.map((r: { room: string }) => r.room)).toEqual(['music']);
  });

  it('refuses a state-changing request without the CSRF token', async () => {
    const { cookie, csrf } = await hubLogin('teacher');
    const url = '/api/rooms/lab/devices/box-1/commands/stop';
    const missing = await inject({ method: 'POST', url, headers: { cookie } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toMatch(/CSRF/);
    const wrong = await inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': 'x' } });
    expect(wrong.statusCode).toBe(403);
    const unknownDevice = await inject({
      method: 'POST',
      url: '/api/rooms/lab/devices/box-9/commands/stop',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(unknownDevice.statusCode).toBe(404);
    const badCommand = await inject({
      method: 'POST',
      url: '/api/rooms/lab/devices/box-1/commands/snapshot',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(badCommand.statusCode).toBe(400);
  });

  it('shows the settings to an admin only, without password hashes or secrets', async () => {
    const teacher = await hubLogin('teacher');
    const refused = await inject({
      url: '/api/admin/settings',
      headers: { cookie: teacher.cookie },
    });
    expect(refused.statusCode).toBe(403);
    const admin = await hubLogin('admin');
    const settings = await inject({
      url: '/api/admin/settings',
      headers: { cookie: admin.cookie },
    });
    expect(settings.statusCode).toBe(200);
    expect(settings.json()).toMatchObject({
      config: { server: { host: '127.0.0.1' }, mqtt: { password: '' } },
      users: [
        { name: 'teacher', role: 'teacher', rooms: ['lab'] },
        { name: 'other', role: 'teacher', rooms: ['music'] },
        { name: 'admin', role: 'admin', rooms: [] },
      ],
      mqtt: { connected: true },
    });
    expect(settings.body).not.toMatch(/scrypt/);
  });

  it('logs out (with the CSRF token) for good', async () => {
    const { cookie, csrf } = await hubLogin('teacher');
    expect(
      (await inject({ method: 'POST', url: '/api/logout', headers: { cookie } })).statusCode,
    ).toBe(403);
    const out = await inject({
      method: 'POST',
      url: '/api/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await inject({ url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
  });

  it('ends a session after server.sessionMinutes', async () => {
    const { cookie } = await hubLogin('teacher');
    expect((await inject({ url: '/api/session', headers: { cookie } })).statusCode).toBe(200);
    clock += hub.config.server.sessionMinutes * 60_000;
    const expired = await inject({ url: '/api/rooms', headers: { cookie } });
    expect(expired.statusCode).toBe(401);
    const page = await inject({ url: '/', headers: { cookie } });
    expect(page.headers.location).toMatch(/^\/login\.html/);
  });

  it('reports a room’s attention and alerts as JSON and CSV', async () => {
    const { cookie } = await hubLogin('teacher');
    const url = `/api/rooms/lab/report?from=${start - 60_000}&to=${start + 60_000}`;
    const json = (await inject({ url, headers: { cookie } })).json();
    expect(json).toMatchObject({
      room: 'lab',
      meanAttentiveShare: 0.8,
      alertCounts: { tired: 1 },
      attention: [{ device: 'box-1', attentiveShare: 0.8, faces: 3 }],
    });
    const csv = await inject({ url: `${url}&format=csv`, headers: { cookie } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'type,time,tMs,device,faces,attentiveShare,tired,lookingAround,alert,student,reason',
    );
    expect(lines[1]).toMatch(/^class,.*,box-1,3,0\.8,1,0,,,$/);
    // A reason that a spreadsheet would run as a formula stays text.
    expect(lines[2]).toMatch(/^alert,.*,tired,anon-1,"'=HYPERLINK\(""x""\), PERCLOS 0\.2"$/);
    const bad = await inject({ url: '/api/rooms/lab/report?from=yesterday', headers: { cookie } });
    expect(bad.statusCode).toBe(400);
  });

  /** Logs in on a fresh rate-limit key (inject's remote address), so tests do not share one. */
  let address = 1;
  async function hubLogin(user: keyof typeof PASSWORDS) {
    address += 1;
    const response = await inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: `10.0.0.${address}`,
      payload: { user, password: PASSWORDS[user] },
    });
    expect(response.statusCode).toBe(200);
    return {
      cookie: String(response.headers['set-cookie']).split(';')[0] as string,
      csrf: response.json().csrfToken as string,
    };
  }
});
