// Server-Sent Events: every accepted message goes to every open stream whose user may see its
// room (and, with ?room=, only that room). Each event's data is
// {room, device, kind, receivedMs, payload} with the box's payload unchanged.
import type { ServerResponse } from 'node:http';
import type { HubMessage } from './hub-message.js';
import { canSeeRoom, type Session } from './session-store.js';

/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

interface Client {
  response: ServerResponse;
  session: Session;
  room: string | undefined;
  timer: NodeJS.Timeout;
}

export class EventStream {
  private readonly clients = new Set<Client>();
  private sentCount = 0;

  /** Takes over a response for good; it ends when the client leaves or the session expires. */
  open(response: ServerResponse, session: Session, room: string | undefined, nowMs: number): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // A reconnecting browser waits 2 s, and finds the login page if the session ran out meanwhile.
    response.write('retry: 2000\n\n');
    const client: Client = {
      response,
      session,
      room,
      timer: setInterval(() => this.keepalive(client), KEEPALIVE_MS),
    };
    this.clients.add(client);
    const expiresIn = Math.max(0, session.expiresMs - nowMs);
    const expiry = setTimeout(() => response.end(), expiresIn);
    response.on('close', () => {
      clearInterval(client.timer);
      clearTimeout(expiry);
      this.clients.delete(client);
    });
  }

  publish(message: HubMessage): void {
    const data = JSON.stringify({
      room: message.room,
      device: message.device,
      kind: message.kind,
      receivedMs: message.receivedMs,
      payload: message.payload,
    });
    for (const client of this.clients) {
      if (!canSeeRoom(client.session, message.room)) continue;
      if (client.room !== undefined && client.room !== message.room) continue;
      client.response.write(`data: ${data}\n\n`);
      this.sentCount += 1;
    }
  }

  /** Events written to dashboards since start (one per stream a message went to). */
  get sent(): number {
    return this.sentCount;
  }

  /** Ends the streams of one session (logout). */
  closeSession(id: string): void {
    for (const client of this.clients) if (client.session.id === id) client.response.end();
  }

  get size(): number {
    return this.clients.size;
  }

  closeAll(): void {
    for (const client of this.clients) client.response.end();
  }

  private keepalive(client: Client): void {
    client.response.write(': keepalive\n\n');
  }
}
