// The dashboard in Firefox: Debian's firefox-esr driven by Puppeteer over WebDriver BiDi (the
// standard protocol stock Firefox speaks; Playwright's Firefox needs its own patched build,
// which is not packaged), against a real `im serve`. The Chromium test (dashboard_test.js)
// covers every behaviour in depth; this one proves the same pages work in the other engine:
// log in, declare, the incident appearing live in a second page (server-sent events),
// acknowledge, note, resolve, bad form input, every page drawn without a script error, an
// axe-core scan of every page, and phone width. Screenshots go to $IM_BROWSER_OUT/firefox-*.png.
//
// Exits 77 (skipped) when npm, its registry or Firefox is missing; under CI=true it fails
// instead.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');

const here = __dirname;
const { imBinary, findBrowser, ensureModules, step, finish } = require('./harness');

async function main() {
  const binary = imBinary();
  const firefoxPath = findBrowser([process.env.IM_FIREFOX, '/usr/bin/firefox-esr', '/usr/bin/firefox'], 'firefox-esr');
  ensureModules(here);
  const puppeteer = require('puppeteer-core');
  const axeSource = require('axe-core').source;
  const { startIm, im } = require('./im_process');

  const out = path.resolve(process.env.IM_BROWSER_OUT || path.join(here, 'out'));
  fs.mkdirSync(out, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-firefox-'));
  const profileDirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'im-firefox-profile-')));
  const stops = [];
  const browsers = [];
  try {
    const token = im(binary, dataDir, ['token', 'create', '--name', 'firefox']).stdout.trim();
    assert.match(token, /^im_/);
    im(binary, dataDir, ['monitor', 'add', 'nightly-backup', '--type', 'heartbeat',
      '--interval', '1h', '--service', 'backups', '--sev', 'SEV-3']);
    const server = await startIm(binary, ['--data-dir', dataDir, 'serve', '--listen', '127.0.0.1:0']);
    stops.push(server.stop);
    const base = server.url;
    const api = async (method, p, body) => {
      const r = await fetch(base + p, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    };
    const sched = await api('POST', '/api/v1/schedules', {
      id: 'ny-primary', name: 'NY primary', time_zone: 'America/New_York',
      schedule_layers: [{ name: 'daily', start: '2026-03-01T14:00:00Z', rotation_turn_length: '1d',
        users: ['ana@example.com', 'ben@example.com', 'cy@example.com'] }],
    });
    assert.equal(sched.status, 201, JSON.stringify(sched.body));

    // Two browsers, not two contexts of one: Firefox throttles the timers of a page that is not
    // in front, and each page here must behave as the one a person is looking at.
    const launch = async (profile) => puppeteer.launch({
      browser: 'firefox', executablePath: firefoxPath, headless: true, userDataDir: profile,
    });
    browsers.push(await launch(profileDirs[0]), await launch(profileDirs[1]));
    console.log(`     ${await browsers[0].version()}`);
    const a = await browsers[0].newPage();
    const b = await browsers[1].newPage();
    const pageErrors = [];
    const watch = (p, name) => {
      p.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
      p.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${name} console: ${m.text()}`); });
    };
    watch(a, 'A');
    watch(b, 'B');
    for (const p of [a, b]) await p.setViewport({ width: 1280, height: 900 });
    const ready = (p) => p.waitForSelector('main[data-ready="true"]', { timeout: 10000 });
    const text = (p, sel) => p.$eval(sel, (e) => e.textContent);
    const fill = (p, sel, value) => p.locator(sel).fill(value);
    const shot = (p, name) => p.screenshot({ path: path.join(out, `firefox-${name}.png`), fullPage: true });
    const axe = async (p, name) => {
      await p.evaluate(axeSource);
      const violations = await p.evaluate(async () => (await window.axe.run()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`));
      assert.deepEqual(violations, [], `axe-core on ${name}`);
    };
    const visit = async (p, url, name) => {
      await p.goto(`${base}${url}`);
      await ready(p);
      await shot(p, name);
      await axe(p, name);
    };

    let incidentId;
    const title = `Firefox checkout latency ${Date.now()}`;

    await step('log in with a token: an HttpOnly session cookie, no token kept', async () => {
      await a.goto(`${base}/login?next=/incidents`);
      await ready(a);
      await fill(a, '#token', 'im_not-a-real-token');
      await a.click('form.login button[type=submit]');
      await a.waitForSelector('.error[role=alert]');
      assert.match(await text(a, '.error[role=alert]'), /not an active token/);
      await shot(a, 'login');
      await axe(a, 'login');
      await fill(a, '#token', token);
      await Promise.all([a.waitForNavigation(), a.click('form.login button[type=submit]')]);
      assert.equal(a.url(), `${base}/incidents`);
      await ready(a);
      assert.equal(await a.evaluate(() => document.cookie), '');  // HttpOnly
      assert.equal(await a.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)), '{}{}');
      await a.waitForSelector('details.declare-box');
    });

    await step('bad input in the declare form shows the API\'s error and stores nothing', async () => {
      const before = (await api('GET', '/api/v1/incidents?limit=1000')).body.incidents.length;
      await a.click('details.declare-box summary');
      await fill(a, '#d-title', 'Will not be stored');
      await fill(a, '#d-services', 'Not A Valid Service!');
      await a.click('form.declare button[type=submit]');
      await a.waitForSelector('form.declare .error[role=alert]');
      assert.match(await text(a, 'form.declare .error[role=alert]'), /service/i);
      assert.equal((await api('GET', '/api/v1/incidents?limit=1000')).body.incidents.length, before);
    });

    await step('declare in one page; it appears live in a second page', async () => {
      await b.goto(`${base}/incidents`);
      await ready(b);
      await b.waitForSelector('#live-state[data-state="live"]');
      await fill(a, '#d-title', title);
      await a.select('#d-severity', 'SEV-2');
      await fill(a, '#d-services', 'checkout');
      const t0 = Date.now();
      await a.click('form.declare button[type=submit]');
      await b.waitForFunction((t) => [...document.querySelectorAll('#incidents td.title')]
        .some((td) => td.textContent === t), { timeout: 5000 }, title);
      console.log(`     live update reached the second page ${Date.now() - t0} ms after the click`);
      await a.waitForFunction(() => /\/incidents\/INC-\d+$/.test(location.pathname));
      incidentId = (await a.evaluate(() => location.pathname)).split('/').pop();
      await ready(a);
    });

    await step('acknowledge, note and resolve from the incident page', async () => {
      await a.click('button[data-action="ack"]');
      await a.waitForSelector('.tags .badge.status-mitigated');
      await b.waitForSelector(`#row-${incidentId} .badge.status-mitigated`, { timeout: 5000 });
      await fill(a, '#note-text', 'Rolled back the cache change');
      await a.click('form.note button[type=submit]');
      await a.waitForFunction(() => [...document.querySelectorAll('#timeline .msg')]
        .some((m) => m.textContent === 'Rolled back the cache change'));
      await a.click('button[data-action="resolve"]');
      await a.waitForSelector('.tags .badge.status-resolved');
      await b.waitForSelector(`#row-${incidentId} .badge.status-resolved`, { timeout: 5000 });
      const stored = await api('GET', `/api/v1/incidents/${incidentId}`);
      assert.equal(stored.body.status, 'resolved');
      assert.ok(stored.body.acknowledged_at);
      await shot(a, 'incident');
      await axe(a, 'incident');
    });

    await step('every page draws, passes axe-core, and shows its data', async () => {
      await visit(b, '/incidents?status=resolved&sort=oldest', 'incidents');
      assert.ok(await b.$(`#row-${incidentId}`), 'the resolved incident is listed');
      await visit(b, '/oncall?schedule=ny-primary&start=2026-03-05&view=week&zone=schedule', 'oncall');
      assert.match(await b.$eval('main', (m) => m.textContent), /ana@example\.com|ben@example\.com|cy@example\.com/);
      await visit(b, '/dora?since=-30d', 'dora');
      assert.ok(await b.$('[data-metric="time_to_restore"]'));
      await visit(b, '/monitors', 'monitors');
      assert.match(await b.$eval('main', (m) => m.textContent), /nightly-backup/);
      await visit(b, '/integrations', 'integrations');
    });

    await step('phone width: the incidents list and incident page fit', async () => {
      await b.setViewport({ width: 390, height: 844 });
      for (const [url, name] of [[`/incidents/${incidentId}`, 'incident-phone'], ['/incidents', 'incidents-phone']]) {
        await b.goto(`${base}${url}`);
        await ready(b);
        const overflow = await b.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${url} is ${overflow}px wider than the phone`);
        await shot(b, name);
      }
    });

    await step('no script errors on any page', async () => {
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    for (const browser of browsers) await browser.close();
    for (const stop of stops) await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    for (const dir of profileDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  finish(out);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
