// The admin's read-only settings page (#/settings): users and their rooms, the effective
// configuration with secrets masked, and the broker connection's counters.
import { getJson } from './api.js';
import { el } from './dom.js';

export class SettingsView {
  constructor(root) {
    this.root = root;
  }

  async show() {
    const settings = await getJson('/api/admin/settings');
    const rows = settings.users.map((u) =>
      el(
        'tr',
        {},
        el('td', {}, u.name),
        el('td', {}, u.role),
        el('td', {}, u.role === 'admin' ? 'all rooms' : u.rooms.join(', ') || '–'),
      ),
    );
    const mqtt = settings.mqtt;
    this.root.replaceChildren(
      el('p', {}, el('a', { href: '#/' }, '← All rooms')),
      el('h1', {}, 'Hub settings'),
      el(
        'p',
        {},
        `Broker ${mqtt.connected ? 'connected' : 'not connected'} · ${mqtt.accepted} messages accepted · ${mqtt.refused} refused (${mqtt.refusedPrivacy} image- or embedding-like) · ${settings.streams} dashboards open`,
      ),
      el('h2', {}, 'Users'),
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el('tr', {}, el('th', {}, 'User'), el('th', {}, 'Role'), el('th', {}, 'Rooms')),
        ),
        el('tbody', {}, ...rows),
      ),
      el(
        'p',
        { class: 'muted' },
        'Users, roles and rooms are edited in the hub config (classpulse hub passwd USER --config FILE sets a password); restart the hub to apply.',
      ),
      el('h2', {}, 'Configuration'),
      el('pre', { class: 'config' }, JSON.stringify(settings.config, null, 2)),
    );
  }

  onEvent() {}
}
