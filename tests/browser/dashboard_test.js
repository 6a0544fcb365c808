// The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real
// `im serve` whose PagerDuty connector sends to a real `im sim pagerduty`. Logs in, declares,
// watches the incident appear live in a second page, acknowledges (and sees the simulator's
// incident acknowledged), resolves; checks the on-call page across a DST week, the DORA page
// against `im metrics dora --json`, bad form input, and scans every page with axe-core.
// Screenshots of every page go to $IM_BROWSER_OUT (default ./out).
//
// Exits 77 (skipped) when npm, its registry or Chromium is missing; under CI=true it fails
// instead. Installs its packages with `npm ci` only when package-lock.json changed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const assert = require('assert/strict');

const here = __dirname;
const { imBinary, findBrowser, ensureModules, eventually, step, finish } = require('./harness');

async function main() {
  const binary = imBinary();
  const chromiumPath = findBrowser([process.env.IM_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'], 'chromium');
  ensureModules(here);
  const { chromium } = require('playwright-core');
  const { default: AxeBuilder } = require('@axe-core/playwright');
  const { startIm, im } = require('./im_process');

  const out = path.resolve(process.env.IM_BROWSER_OUT || path.join(here, 'out'));
  fs.mkdirSync(out, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-browser-'));
  const KEY = 'browser-test-key';
  const stops = [];
  let browser;
  try {
    // PagerDuty, simulated: a user to send as and a service to create incidents in.
    const sim = await startIm(binary, ['sim', 'pagerduty', '--listen', '127.0.0.1:0',
      '--api-key', KEY, '--incidents', '3', '--rate-limit', 'off']);
    stops.push(sim.stop);
    const pd = async (p) => {
      const r = await fetch(sim.url + p, { headers: { Authorization: `Token token=${KEY}` } });
      assert.equal(r.status, 200, `simulator GET ${p}`);
      return r.json();
    };
    const email = (await pd('/users?limit=1')).users[0].email;
    const pdService = (await pd('/services?limit=1')).services[0].id;
    im(binary, dataDir, ['connector', 'add', 'pagerduty', 'pd', '--config', JSON.stringify({
      api_key: KEY, base_url: sim.url, sync_direction: 'outbound', rate_limit_per_minute: 0,
      custom: { from_email: email, service_mappings: { default: pdService } },
    })]);
    const token = im(binary, dataDir, ['token', 'create', '--name', 'browser']).stdout.trim();
    assert.match(token, /^im_/);

    const server = await startIm(binary, ['--data-dir', dataDir, 'serve', '--listen', '127.0.0.1:0']);
    stops.unshift(server.stop);
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

    // A schedule in New York with daily hand-offs at 09:00, across the DST change of
    // Sunday 2026-03-08 (02:00 EST → 03:00 EDT).
    const sched = await api('POST', '/api/v1/schedules', {
      id: 'ny-primary', name: 'NY primary', time_zone: 'America/New_York',
      schedule_layers: [{ name: 'daily', start: '2026-03-01T14:00:00Z', rotation_turn_length: '1d',
        users: ['ana@example.com', 'ben@example.com', 'cy@example.com'] }],
    });
    assert.equal(sched.status, 201, JSON.stringify(sched.body));

    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const ctxA = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1280, height: 900 } });
    const ctxB = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1280, height: 900 } });
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const pageErrors = [];
    for (const p of [a, b]) p.on('pageerror', (e) => pageErrors.push(String(e)));
    const ready = (p) => p.waitForSelector('main[data-ready="true"]', { timeout: 10000 });
    const shot = (p, name) => p.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
    const axe = async (p, name) => {
      const r = await new AxeBuilder({ page: p }).analyze();
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), [],
        `axe-core on ${name}`);
    };

    let incidentId;
    const title = `Checkout latency ${Date.now()}`;

    await step('reading needs no login; writes are refused without one', async () => {
      await b.goto(`${base}/incidents`);
      await ready(b);
      assert.ok(await b.isVisible('text=Log in'));
      const r = await fetch(`${base}/api/v1/incidents`, { method: 'POST', body: '{}' });
      assert.equal(r.status, 401);
    });

    await step('a wrong token shows the API\'s error and logs nobody in', async () => {
      await a.goto(`${base}/login?next=/incidents`);
      await ready(a);
      await a.fill('#token', 'im_not-a-real-token');
      await a.click('form.login button[type=submit]');
      const msg = await a.textContent('.error[role=alert]');
      assert.match(msg, /not an active token/);
      await shot(a, 'login');
      await axe(a, 'login');
    });

    await step('log in with a token: an HttpOnly, SameSite cookie, no token kept', async () => {
      await a.fill('#token', token);
      await a.click('form.login button[type=submit]');
      await a.waitForURL(`${base}/incidents`);
      await ready(a);
      const cookies = await ctxA.cookies();
      const c = cookies.find((x) => x.name === 'im_session');
      assert.ok(c, 'session cookie set');
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Strict');
      assert.ok(!c.value.includes(token));
      assert.equal(await a.evaluate(() => document.cookie), '');
      assert.equal(await a.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)), '{}{}');
      // A write with the cookie but without the CSRF token is refused.
      const r = await a.evaluate(async () => (await fetch('/api/v1/incidents', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'x', severity: 'SEV-4', services: ['x'] }),
      })).status);
      assert.equal(r, 403);
    });

    await step('bad input in the declare form shows the API\'s error and stores nothing', async () => {
      const before = (await api('GET', '/api/v1/incidents?limit=1000')).body.incidents.length;
      await a.click('details.declare-box summary');
      await a.fill('#d-title', 'Will not be stored');
      await a.fill('#d-services', 'Not A Valid Service!');
      await a.click('form.declare button[type=submit]');
      const msg = await a.textContent('form.declare .error[role=alert]');
      assert.match(msg, /service/i);
      const after = (await api('GET', '/api/v1/incidents?limit=1000')).body.incidents.length;
      assert.equal(after, before);
    });

    await step('declare in one page; it appears live in a second page', async () => {
      await b.goto(`${base}/incidents`);
      await ready(b);
      await b.waitForSelector('#live-state[data-state="live"]');
      await a.fill('#d-title', title);
      await a.selectOption('#d-severity', 'SEV-2');
      await a.fill('#d-services', 'checkout');
      const t0 = Date.now();
      await a.click('form.declare button[type=submit]');
      await b.waitForSelector(`#incidents td.title:text-is("${title}")`, { timeout: 5000 });
      const latency = Date.now() - t0;
      console.log(`     live update reached the second page ${latency} ms after the click`);
      await a.waitForURL(/\/incidents\/INC-\d+$/);
      incidentId = a.url().split('/').pop();
      await ready(a);
      assert.equal(await b.textContent(`#row-${incidentId} .badge`), 'open');
      await shot(b, 'incidents');
      await axe(b, 'incidents');
    });

    await step('a change made between the list\'s read and the live stream\'s start is shown', async () => {
      // The list comes in the shell; the stream starts after the page is drawn. Hold the
      // stream's first request, change an incident meanwhile, then let it through: no event
      // will bring that change (the stream starts after it), so the page must read again.
      const holdStream = async (p) => {
        let release;
        const held = new Promise((resolve) => { release = resolve; });
        let asked;
        const requested = new Promise((resolve) => { asked = resolve; });
        await p.route('**/api/v1/events', async (route) => {
          asked();
          await held;
          await route.continue();
        }, { times: 1 });
        return { requested, release };
      };
      const p = await ctxB.newPage();
      try {
        let stream = await holdStream(p);
        await p.goto(`${base}/incidents`);
        await ready(p);
        await stream.requested;
        const gap = `declared while the page loaded ${Date.now()}`;
        const r = await api('POST', '/api/v1/incidents', { title: gap, severity: 'SEV-4', services: ['checkout'] });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        stream.release();
        await p.waitForSelector(`#incidents td.title:text-is("${gap}")`, { timeout: 5000 });
        // The same on the incident's own page, for an acknowledgement.
        stream = await holdStream(p);
        await p.goto(`${base}/incidents/${r.body.id}`);
        await ready(p);
        await stream.requested;
        assert.equal((await api('POST', `/api/v1/incidents/${r.body.id}/ack`, {})).status, 200);
        stream.release();
        await p.waitForSelector('.tags .badge.status-mitigated', { timeout: 5000 });
      } finally {
        await p.close();
      }
    });

    await step('acknowledge from the page; PagerDuty\'s incident is acknowledged', async () => {
      await a.click('button[data-action="ack"]');
      await a.waitForSelector('.tags .badge.status-mitigated');
      await b.waitForSelector(`#row-${incidentId} .badge.status-mitigated`, { timeout: 5000 });
      const pdIncident = await eventually('the simulator\'s incident to be acknowledged', async () => {
        const list = await pd('/incidents?date_range=all&limit=100');
        const found = list.incidents.find((i) => i.title === title);
        return found && found.status === 'acknowledged' ? found : null;
      });
      assert.equal(pdIncident.urgency, 'high');
      await a.reload();
      await ready(a);
      const origins = await a.$$eval('#timeline .origin', (els) => els.map((e) => e.textContent));
      assert.ok(origins.includes('acknowledged in im'), origins.join(', '));
      assert.ok(origins.includes('declared in im'), origins.join(', '));
      // The link to PagerDuty's own page of the incident, from the create's answer.
      assert.equal(await a.getAttribute('#provider-links a', 'href'), pdIncident.html_url);
    });

    await step('add a note, then resolve; the timeline and the list follow', async () => {
      await a.fill('#note-text', 'Rolled back the cache change');
      await a.click('form.note button[type=submit]');
      await a.waitForSelector('#timeline .msg:text-is("Rolled back the cache change")');
      await a.click('button[data-action="resolve"]');
      await a.waitForSelector('.tags .badge.status-resolved');
      await b.waitForSelector(`#row-${incidentId} .badge.status-resolved`, { timeout: 5000 });
      await eventually('the simulator\'s incident to be resolved', async () => {
        const list = await pd('/incidents?date_range=all&limit=100');
        const found = list.incidents.find((i) => i.title === title);
        return found && found.status === 'resolved';
      });
      await shot(a, 'incident');
      await axe(a, 'incident');
    });

    await step('filters live in the URL and survive a reload', async () => {
      await b.goto(`${base}/incidents?status=resolved&severity=SEV-2&sort=oldest`);
      await ready(b);
      assert.equal(await b.inputValue('#f-status'), 'resolved');
      assert.equal(await b.inputValue('#f-sort'), 'oldest');
      const rows = await b.$$eval('#incidents tbody tr', (r) => r.length);
      assert.equal(rows, 1);
      await b.goto(`${base}/incidents?status=open`);
      await ready(b);
      assert.equal(await b.locator(`#row-${incidentId}`).count(), 0);
    });

    await step('on-call across the DST week, in the schedule\'s zone and in the viewer\'s', async () => {
      await b.goto(`${base}/oncall?schedule=ny-primary&start=2026-03-05&view=week`);
      await ready(b);
      const days = await b.$$eval('#shift-calendar .day', (d) => d.length);
      assert.equal(days, 7);
      assert.equal(await b.getAttribute('#shift-calendar', 'data-zone'), 'America/New_York');
      const starts = await b.$$eval('#shift-calendar .day', (ds) => ds.map((d) => {
        const s = [...d.querySelectorAll('.shift:not(.gap)')].map((x) => x.textContent);
        return s.find((t) => /^09:00/.test(t)) ? '09:00' : s.join('|');
      }));
      assert.deepEqual(starts, Array(7).fill('09:00'), 'hand-off at 09:00 New York every day, DST or not');
      assert.match(await b.textContent('#gap-summary'), /No gaps/);
      await shot(b, 'oncall');
      await axe(b, 'oncall');
      // In Berlin (still CET all week) the hand-off moves an hour earlier with New York's DST.
      await b.selectOption('#f-zone', 'viewer');
      await b.waitForFunction(() => document.querySelector('#shift-calendar')?.dataset.zone === 'Europe/Berlin');
      const berlin = await b.$$eval('#shift-calendar .day', (ds) => ds.map((d) =>
        [...d.querySelectorAll('.shift:not(.gap)')].map((x) => x.textContent.slice(0, 5)).filter((t) => t !== '…–00' && !t.startsWith('…'))));
      // Thu 5 to Sat 7 March: 09:00 EST = 15:00 CET; from Sun 8 March (EDT since 02:00):
      // 09:00 EDT = 14:00 CET.
      assert.deepEqual(berlin.map((d) => d.filter((t) => t !== '00:00')),
        [['15:00'], ['15:00'], ['15:00'], ['14:00'], ['14:00'], ['14:00'], ['14:00']],
        JSON.stringify(berlin));
    });

    await step('on-call hours per engineer equal the API\'s; long tables show 50 rows and link to all', async () => {
      const period = { hours_since: '2026-03-01T00:00:00Z', hours_until: '2026-03-15T00:00:00Z' };
      const want = (await api('GET', `/api/v1/oncall/hours?since=${period.hours_since}&until=${period.hours_until}`)).body;
      assert.equal(want.engineers.length, 3);
      await b.goto(`${base}/oncall?hours_since=${period.hours_since}&hours_until=${period.hours_until}`);
      await ready(b);
      const rows = await b.$$eval('#oncall-hours tbody tr', (trs) => trs.map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      const expected = [...want.engineers].sort((x, y) => y.total_hours - x.total_hours || (x.email < y.email ? -1 : 1))
        .map((e) => [e.email, ...[e.business_hours, e.evening_hours, e.night_weekend_hours, e.total_hours].map((v) => v.toFixed(1))]);
      assert.deepEqual(rows, expected);
      assert.equal(await b.$('#all-hours'), null);  // three engineers: nothing held back
      for (let i = 0; i < 50; i++) {
        const r = await api('POST', '/api/v1/schedules', {
          id: `extra-${i}`, name: `Extra ${i}`, time_zone: 'UTC',
          schedule_layers: [{ name: 'l', start: '2026-01-01T00:00:00Z', rotation_turn_length: '1w', users: [`x${i}@example.com`] }],
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      await b.goto(`${base}/oncall`);
      await ready(b);
      assert.equal(await b.$$eval('#oncall-now tbody tr', (trs) => trs.length), 50);
      // A long table's first screen is painted, and shown, before the rest of its rows are
      // drawn (the first meaningful paint), and its columns do not move when they come.
      const c = await ctxB.newPage();
      await c.addInitScript(() => {
        const mark = performance.mark.bind(performance);
        window.atMark = {};
        // Registered before the page's own observer, so it sees the rows as they were when the
        // browser said it presented the first screen.
        new PerformanceObserver((list) => {
          if (!window.atMark.shown && list.getEntries().some((e) => e.identifier === 'im-first-screen')) {
            window.atMark.shown = { rows: document.querySelectorAll('#oncall-now tbody tr').length };
          }
        }).observe({ type: 'element', buffered: true });
        performance.mark = (name, ...rest) => {
          window.atMark[name] = {
            rows: document.querySelectorAll('#oncall-now tbody tr').length,
            widths: [...document.querySelectorAll('#oncall-now th')].map((th) => th.getBoundingClientRect().width),
          };
          return mark(name, ...rest);
        };
      });
      await c.goto(`${base}/oncall`);
      await c.waitForFunction(() => window.atMark['im-page-complete']);
      const at = await c.evaluate(() => window.atMark);
      const first = at['im-page-painted'].rows;
      assert.ok(first >= 900 / 35 && first < 50, `${first} rows painted first`);  // a screenful
      assert.equal(at.shown?.rows, first, 'the rest of the rows waited until the first screen was shown');
      assert.equal(at['im-page-complete'].rows, 50);
      assert.deepEqual(at['im-page-complete'].widths, at['im-page-painted'].widths);
      await c.close();
      assert.match(await b.textContent('.more'), /Showing 50 of 51 schedules/);
      await b.click('#all-now');
      await b.waitForURL(/now=all/);
      await ready(b);
      assert.equal(await b.$$eval('#oncall-now tbody tr', (trs) => trs.length), 51);
    });

    await step('DORA page numbers equal `im metrics dora --json` for the same period', async () => {
      im(binary, dataDir, ['deploy', 'record', '--service', 'checkout', '--at', '-2h', '--commit', 'abc1234', '--committed-at', '-5h']);
      im(binary, dataDir, ['deploy', 'record', '--service', 'checkout', '--at', '-1h', '--status', 'failure']);
      const until = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
      const since = new Date(Date.now() - 14 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
      const cli = JSON.parse(im(binary, dataDir, ['metrics', 'dora', '--since', since, '--until', until, '--json']).stdout);
      await b.goto(`${base}/dora?since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`);
      await ready(b);
      const raw = await b.$$eval('[data-raw]', (els) => Object.fromEntries(els.map((e) => [e.dataset.metric, JSON.parse(e.dataset.raw)])));
      assert.deepEqual(raw.deployment_frequency, cli.deployment_frequency.per_week);
      assert.deepEqual(raw.lead_time, cli.lead_time.median_seconds);
      assert.deepEqual(raw.change_failure_rate, cli.change_failure_rate.rate);
      assert.deepEqual(raw.time_to_restore, cli.time_to_restore.median_seconds);
      assert.deepEqual(raw.time_to_acknowledge, cli.time_to_acknowledge.mean_seconds);
      assert.equal(cli.deployment_frequency.deployments, 1);
      assert.equal(cli.deployment_frequency.failed_jobs, 1);
      await shot(b, 'dora');
      await axe(b, 'dora');
      await b.click('text=Show the incidents and deployments');
      await ready(b);
      await b.waitForSelector(`#dora-incidents a:text-is("${incidentId}")`);
    });

    await step('monitors page: grid, channels', async () => {
      await b.goto(`${base}/monitors`);
      await ready(b);
      assert.ok(await b.isVisible('#monitor-counts'));
      await shot(b, 'monitors');
      await axe(b, 'monitors');
    });

    await step('each page\'s first reads come in its shell, none fetched again', async () => {
      // The shell carries the answers to the /api/v1 reads its page's script makes first
      // (dashboard.cc ServePage); a URL that differed from the script's would be fetched.
      const p = await ctxB.newPage();
      try {
        for (const url of ['/incidents?status=open&service=checkout&since=', `/incidents/${incidentId}`,
          '/oncall?service=checkout&hours_since=-7d', '/dora?since=-90d&drill=1', '/monitors?page=0&status=down',
          '/integrations']) {
          const res = await p.goto(base + url);
          await ready(p);
          const html = await res.text();
          const block = html.match(/<script type="application\/json" id="im-first-reads">(.*?)<\/script>/s);
          assert.ok(block, `${url}: no first reads in the shell`);
          const reads = Object.keys(JSON.parse(block[1]));
          assert.ok(reads.length >= 2, `${url}: first reads ${reads}`);
          assert.equal(res.headers().link, undefined, `${url}: preloads ${res.headers().link}`);
          const fetched = await p.evaluate(() => performance.getEntriesByType('resource')
            .map((e) => new URL(e.name).pathname + new URL(e.name).search));
          for (const u of reads) assert.ok(!fetched.includes(u), `${url}: ${u} was fetched again`);
          assert.equal(await p.$('#im-first-reads'), null, `${url}: the block was not taken`);
        }
      } finally {
        await p.close();
      }
    });

    await step('integrations page: connector health, test button', async () => {
      await a.goto(`${base}/integrations`);
      await ready(a);
      assert.match(await a.textContent('#connector-pd'), /pending/);
      await a.click('#connector-pd button[data-action="test"]');
      await a.waitForSelector('#connector-pd ul.checks li');
      assert.match(await a.textContent('#connector-pd ul.checks'), /✓/);
      await shot(a, 'integrations');
      await axe(a, 'integrations');
    });

    await step('phone width: the incidents list and incident page fit', async () => {
      const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
      const p = await phone.newPage();
      await p.goto(`${base}/incidents/${incidentId}`);
      await ready(p);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
      await shot(p, 'incident-phone');
      await p.goto(`${base}/incidents`);
      await ready(p);
      await shot(p, 'incidents-phone');
      await phone.close();
    });

    await step('keyboard: the skip link and the navigation are reachable with Tab', async () => {
      await b.goto(`${base}/incidents`);
      await ready(b);
      await b.keyboard.press('Tab');
      assert.equal(await b.evaluate(() => document.activeElement.textContent), 'Skip to content');
      await b.keyboard.press('Tab');
      await b.keyboard.press('Tab');
      assert.equal(await b.evaluate(() => document.activeElement.textContent), 'Incidents');
      await b.keyboard.press('Tab');
      await b.keyboard.press('Enter');
      await b.waitForURL(`${base}/oncall`);
    });

    await step('no script errors on any page', async () => {
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    if (browser) await browser.close();
    for (const stop of stops) await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  finish(out);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
