// One room: its boxes with open/close camera, the class summary, the attention chart of the
// current lesson, a tile per student and the alert list. Student tiles update straight from the
// event stream; everything else is refetched (at most every 300 ms) when an event concerns it.
import { getJson, postJson } from './api.js';
import { AttentionChart } from './attention-chart.js';
import { count, el } from './dom.js';

const REFRESH_MS = 300;

const time = (ms) => new Date(ms).toLocaleTimeString();

export class RoomView {
  constructor(root, room) {
    this.root = root;
    this.room = room;
    this.timer = undefined;
    this.replies = new Map();
  }

  async show() {
    const view = await getJson(`/api/rooms/${encodeURIComponent(this.room)}`);
    this.render(view);
  }

  close() {
    clearTimeout(this.timer);
    this.chart?.destroy();
  }

  onEvent(event) {
    if (event.room !== this.room) return;
    if (event.kind === 'student') this.updateStudent(event.device, event.payload);
    else if (event.kind !== 'health') this.scheduleRefresh();
  }

  scheduleRefresh() {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.show().catch(() => undefined);
    }, REFRESH_MS);
  }

  render(view) {
    this.chart?.destroy();
    const latest = view.attention.at(-1);
    const summary = el(
      'section',
      { class: 'summary', 'aria-label': 'Class summary' },
      el('div', { class: 'big' }, latest ? `${Math.round(latest.attentiveShare * 100)} %` : '–'),
      el('div', {}, 'attentive'),
      el(
        'div',
        {},
        latest
          ? `${count(latest.faces, 'face')} · ${latest.tired} tired · ${latest.lookingAround} looking around`
          : 'no class summary yet',
      ),
    );
    this.tiles = el('ul', { class: 'students', 'aria-label': 'Students' });
    for (const student of view.students) this.tiles.append(this.tile(student.device, student));
    const chartBox = el('div', {
      class: 'chart',
      role: 'img',
      'aria-label': 'Class attention during this lesson',
    });
    this.root.replaceChildren(
      el('p', {}, el('a', { href: '#/' }, '← All rooms')),
      el('h1', {}, `Room ${view.room}`),
      el(
        'section',
        { class: 'devices', 'aria-label': 'Camera boxes' },
        ...this.devices(view.devices),
      ),
      summary,
      el(
        'h2',
        {},
        view.lessonStartMs ? `Attention since ${time(view.lessonStartMs)}` : 'Attention',
      ),
      chartBox,
      el('h2', {}, `Students (${view.students.length})`),
      view.students.length ? this.tiles : el('p', { class: 'muted' }, 'No student in view.'),
      el('h2', {}, 'Alerts'),
      this.alerts(view.alerts),
      this.reportLinks(view),
    );
    this.empty = this.root.querySelector('.students') === null;
    this.chart = new AttentionChart(chartBox, view.attention);
  }

  devices(devices) {
    if (devices.length === 0)
      return [el('p', { class: 'muted' }, 'No box has reported from this room yet.')];
    return devices.map((d) => {
      const online = d.state === 'online';
      const label = online ? `camera ${d.camera}` : `offline${d.reason ? ` (${d.reason})` : ''}`;
      const reply = el(
        'output',
        { class: 'reply', 'aria-live': 'polite' },
        this.replies.get(d.device) ?? '',
      );
      const button = (name, text) => {
        const b = el(
          'button',
          { type: 'button', 'data-command': name, 'data-device': d.device },
          text,
        );
        b.addEventListener('click', () => this.command(d.device, name, reply, b));
        return b;
      };
      return el(
        'div',
        {
          class: `device ${online && d.camera === 'open' ? 'open' : 'closed'}`,
          'data-device': d.device,
          'data-camera': online ? d.camera : 'offline',
        },
        el('strong', {}, d.device),
        el('span', { class: 'camera-state' }, label),
        button('start', 'Open camera'),
        button('stop', 'Close camera'),
        reply,
      );
    });
  }

  async command(device, name, output, button) {
    button.disabled = true;
    output.textContent = `${name === 'stop' ? 'Closing' : 'Opening'} the camera…`;
    let text;
    try {
      const result = await postJson(
        `/api/rooms/${encodeURIComponent(this.room)}/devices/${encodeURIComponent(device)}/commands/${name}`,
      );
      if (!result.answered) text = result.error;
      else if (result.reply.ok)
        text = `${device}: camera ${name === 'stop' ? 'closed' : 'opened'} (${time(result.reply.tMs)})`;
      else text = `${device} refused: ${result.reply.error?.message ?? result.reply.error?.code}`;
    } catch (error) {
      text = error.message;
    }
    this.replies.set(device, text);
    output.textContent = text;
    button.disabled = false;
    this.scheduleRefresh();
  }

  tile(device, s) {
    const flags = [];
    if (s.tired) flags.push(el('span', { class: 'flag tired' }, 'Tired'));
    if (s.lookingAround) flags.push(el('span', { class: 'flag around' }, 'Looking around'));
    if (s.turnedAway) flags.push(el('span', { class: 'flag away' }, 'Turned away'));
    if (flags.length === 0) flags.push(el('span', { class: 'flag ok' }, 'Attentive'));
    const state = s.tired ? 'tired' : s.lookingAround || s.turnedAway ? 'around' : 'ok';
    return el(
      'li',
      { class: `tile ${state}`, 'data-key': `${device}/${s.student}`, 'data-seq': String(s.seq) },
      el('strong', { class: 'name' }, s.student),
      el('span', { class: 'present' }, 'present'),
      ...flags,
      el('span', { class: 'expression' }, s.expression),
    );
  }

  updateStudent(device, payload) {
    if (this.empty) return this.scheduleRefresh();
    const key = `${device}/${payload.student}`;
    const old = [...this.tiles.children].find((t) => t.dataset.key === key);
    if (old && Number(old.dataset.seq) >= payload.seq) return;
    if (payload.present === false) {
      old?.remove();
      return;
    }
    const tile = this.tile(device, payload);
    if (old) old.replaceWith(tile);
    else this.tiles.append(tile);
  }

  /** The lesson so far (or the last 24 h) as a file to keep: CSV for a spreadsheet, or JSON. */
  reportLinks(view) {
    const base = `/api/rooms/${encodeURIComponent(view.room)}/report`;
    const from = view.lessonStartMs ? `from=${view.lessonStartMs}&` : '';
    return el(
      'p',
      {},
      'Lesson report: ',
      el('a', { href: `${base}?${from}format=csv`, download: '' }, 'CSV'),
      ' · ',
      el('a', { href: `${base}?${from}format=json` }, 'JSON'),
    );
  }

  alerts(alerts) {
    if (alerts.length === 0) return el('p', { class: 'muted' }, 'No alerts.');
    return el(
      'ol',
      { class: 'alerts' },
      ...alerts.map((a) =>
        el(
          'li',
          { class: `alert ${a.alert}` },
          el('time', {}, time(a.tMs)),
          ` ${a.alert}${a.student ? ` — ${a.student}` : ''}: ${a.reason}`,
        ),
      ),
    );
  }
}
