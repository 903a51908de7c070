// The dashboard: rooms overview (#/) and one room (#/room/NAME), live over Server-Sent Events.
import { getJson, loadSession, logout, toLogin } from './api.js';
import { count, el } from './dom.js';
import { RoomView } from './room-view.js';
import { SettingsView } from './settings-view.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
let current;

const percent = (share) => (share === undefined ? '–' : `${Math.round(share * 100)} %`);

class Overview {
  constructor(root) {
    this.root = root;
    this.pending = false;
  }

  async show() {
    const { rooms } = await getJson('/api/rooms');
    const items = rooms.map((room) => {
      const cameras = room.devices.length
        ? room.devices
            .map((d) => `${d.device}: ${d.state === 'online' ? `camera ${d.camera}` : 'offline'}`)
            .join(', ')
        : 'no box reporting';
      return el(
        'li',
        { class: 'room-card' },
        el('a', { href: `#/room/${encodeURIComponent(room.room)}` }, room.room),
        el('span', { class: 'big' }, percent(room.attentiveShare)),
        el('span', {}, 'attentive now'),
        el(
          'span',
          {},
          `${count(room.students, 'student')} · ${room.tired} tired · ${room.lookingAround} looking around`,
        ),
        el('span', { class: 'muted' }, cameras),
      );
    });
    this.root.replaceChildren(
      el('h1', {}, 'Rooms'),
      items.length
        ? el('ul', { class: 'rooms' }, ...items)
        : el('p', {}, 'No rooms yet: no box has reported and none is assigned to you.'),
    );
  }

  /** Any event may change a card: refresh at most once per second. */
  onEvent() {
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.show().catch(() => undefined);
    }, 1000);
  }
}

async function route() {
  current?.close?.();
  const match = /^#\/room\/(.+)$/.exec(location.hash);
  if (match) current = new RoomView(main, decodeURIComponent(match[1]));
  else if (location.hash === '#/settings') current = new SettingsView(main);
  else current = new Overview(main);
  try {
    await current.show();
  } catch (error) {
    main.replaceChildren(
      el('p', { class: 'notice', role: 'alert' }, error.message),
      el('a', { href: '#/' }, 'Back to the rooms'),
    );
  }
  main.focus();
}

function connect() {
  const source = new EventSource('/api/events');
  source.onopen = () => {
    live.textContent = 'live';
    live.className = 'live on';
  };
  source.onmessage = (event) => current?.onEvent(JSON.parse(event.data));
  source.onerror = async () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
    // The stream also ends when the session expires: then the login page, not endless retries.
    const response = await fetch('/api/session').catch(() => undefined);
    if (response?.status === 401) {
      source.close();
      toLogin();
    }
  };
}

const session = await loadSession();
document.getElementById('who').textContent = `${session.user} (${session.role})`;
if (session.role === 'admin') document.getElementById('settings').hidden = false;
document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
connect();
await route();
