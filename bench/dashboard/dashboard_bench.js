// Loads every dashboard page cold in headless Chromium and prints the browser's own timings
// (bench/dashboard/run.sh starts the server and seeds the store). Uses tests/browser's
// pinned playwright-core. Usage: node dashboard_bench.js BASE_URL TOKEN SCHEDULES RUNS MONITORS
'use strict';

const path = require('path');
const { chromium } = require(path.join(__dirname, '..', '..', 'tests', 'browser', 'node_modules', 'playwright-core'));

const [base, token, schedules = '200', runs = '5', monitors = '0'] = process.argv.slice(2);
const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

async function seedSchedules(n) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/v1/schedules`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({
        id: `s${i}`, name: `Schedule ${i}`, time_zone: ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo'][i % 3],
        schedule_layers: [{ start: '2026-01-01T09:00:00Z', rotation_turn_length: '1w',
          users: [`a${i}@example.com`, `b${i}@example.com`, `c${i}@example.com`] }],
      }),
    });
    if (r.status !== 201 && r.status !== 200) throw new Error(`schedule ${i}: ${r.status} ${await r.text()}`);
  }
}

// The CPU time (clock ticks) used so far by every process this one started (the browser and
// its children), not counting this one.
function childTicks(rootPid) {
  const fs = require('fs');
  const parent = new Map();
  const ticks = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue;  // the process ended while we looked
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parent.set(Number(d), Number(f[1]));
    ticks.set(Number(d), Number(f[11]) + Number(f[12]));
  }
  let sum = 0;
  for (const [pid, t] of ticks) {
    if (pid === rootPid) continue;
    for (let p = pid; p > 1; p = parent.get(p)) {
      if (p === rootPid) {
        sum += t;
        break;
      }
    }
  }
  return sum;
}

// Loads whose browser was still busy when settle gave up: reported, as their times include
// the browser's own work.
let unsettled = 0;

// Waits until the browser has used no CPU for 100 ms (at most 5 s): a new page in the full
// browser builds its window (tab strip, omnibox and other chrome:// pages) in processes of its
// own, which a person's browser has done before they open a link. The page is still cold: a
// new context, with no cache and no connection to the server.
async function settle() {
  const deadline = Date.now() + 5000;
  let last = childTicks(process.pid);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    const now = childTicks(process.pid);
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 100) {
      return;
    }
  }
  unsettled++;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function measure(browser, url) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await settle();
  await page.goto(url, { waitUntil: 'load' });
  // Waits for the page's own mark without polling the DOM (a polling wait forces style and
  // layout work in the page while it draws, and slows what it measures).
  await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list, obs) => {
      if (list.getEntriesByName('im-page-complete').length) {
        obs.disconnect();
        resolve();
      }
    }).observe({ type: 'mark', buffered: true });
  }));
  await page.waitForLoadState('networkidle').catch(() => {});
  // When the browser presented the first frame showing the page's first screen of data: the
  // Element Timing entry of what the page marked (web/ui.js markFirstScreen).
  const shown = await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list, obs) => {
      obs.disconnect();
      const times = list.getEntries().filter((e) => e.identifier === 'im-first-screen')
        .map((e) => e.renderTime || e.loadTime);
      resolve(times.length ? Math.min(...times) : null);
    }).observe({ type: 'element', buffered: true });
    setTimeout(() => resolve(null), 2000);
  }));
  if (shown === null) throw new Error(`${url}: no Element Timing entry for im-first-screen`);
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const ready = performance.getEntriesByName('im-page-ready').pop();
    const painted = performance.getEntriesByName('im-page-painted').pop();
    const complete = performance.getEntriesByName('im-page-complete').pop();
    const res = performance.getEntriesByType('resource');
    const assets = res.filter((r) => new URL(r.name).pathname.startsWith('/assets/'));
    const apiCalls = res.filter((r) => new URL(r.name).pathname.startsWith('/api/') && !r.name.includes('/api/v1/events'));
    const end = Math.max(nav.loadEventEnd, complete ? complete.startTime : 0,
      ...res.filter((r) => !r.name.includes('/api/v1/events')).map((r) => r.responseEnd));
    return {
      fcp: fcp ? fcp.startTime : null,
      ready: ready ? ready.startTime : null,
      painted: painted ? painted.startTime : null,
      loaded: end,
      assetBytes: nav.transferSize + assets.reduce((s, r) => s + r.transferSize, 0),
      apiBytes: apiCalls.reduce((s, r) => s + r.transferSize, 0),
      files: assets.length + 1,
      // Where the time went (IM_BENCH_DETAIL=1): the document's and each request's start,
      // first byte and end, in ms from navigation start.
      detail: [['document', 0, nav.responseStart, nav.responseEnd],
        ['DOMContentLoaded', nav.domContentLoadedEventStart, nav.domContentLoadedEventEnd, nav.domContentLoadedEventEnd],
        ...res.filter((r) => !r.name.includes('/api/v1/events')).map((r) => [new URL(r.name).pathname + new URL(r.name).search, r.startTime, r.responseStart, r.responseEnd])],
    };
  });
  await ctx.close();
  return { ...t, shown, loaded: Math.max(t.loaded, shown) };
}

// The floor: first paint of a plain-text page (/healthz) in a new context, which no page of
// the dashboard can beat.
async function floor(browser, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await settle();
    await page.goto(`${base}/healthz`, { waitUntil: 'load' });
    out.push(await page.evaluate(() => new Promise((resolve) => {
      new PerformanceObserver((list, obs) => {
        const e = list.getEntriesByName('first-contentful-paint')[0];
        if (e) {
          obs.disconnect();
          resolve(e.startTime);
        }
      }).observe({ type: 'paint', buffered: true });
    })));
    await ctx.close();
  }
  return out;
}

async function liveLatency(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/incidents`);
  await page.waitForSelector('#live-state[data-state="live"]');
  const out = [];
  for (let i = 0; i < 10; i++) {
    const title = `bench live ${Date.now()}-${i}`;
    const seen = page.waitForFunction((t) => {
      const cell = [...document.querySelectorAll('#incidents td.title')].find((c) => c.textContent === t);
      return cell ? Date.now() : null;
    }, title, { polling: 'raf', timeout: 10000 });
    const r = await fetch(`${base}/api/v1/incidents`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({ title, severity: 'SEV-3', services: ['api'] }),
    });
    const committed = Date.now();  // the 201 is sent after the commit is durable
    if (r.status !== 201) throw new Error(`declare: ${r.status}`);
    const at = await (await seen).jsonValue();
    out.push(Math.max(0, at - committed));
  }
  await ctx.close();
  return out;
}

async function main() {
  const t0 = Date.now();
  await seedSchedules(Number(schedules));
  console.log(`seeded ${schedules} schedules in ${Date.now() - t0} ms`);
  const inc = await (await fetch(`${base}/api/v1/incidents?limit=1`)).json();
  // The server declares the config's monitors after it starts listening: wait for all of them.
  let total = 0;
  for (let i = 0; i < 600; i++) {
    const c = (await (await fetch(`${base}/api/v1/monitors?limit=1`)).json()).counts;
    total = c.up + c.down + c.paused + c.pending;
    if (total >= Number(monitors)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(`store: newest incident ${inc.incidents[0].id}, ${total} monitors, ${schedules} schedules`);
  const executablePath = process.env.IM_CHROMIUM || '/usr/bin/chromium-headless-shell';
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  console.log(`browser: ${executablePath} ${browser.version()}`);
  const fl = await floor(browser, Number(runs));
  console.log(`floor: /healthz (plain text) FCP in a new context p50 ${pct(fl, 50).toFixed(0)} ms, max ${Math.max(...fl).toFixed(0)} ms`);
  const pages = ['/incidents', `/incidents/${inc.incidents[0].id}`, '/oncall', '/dora', '/monitors', '/integrations'];
  console.log('page                    FCP p50    shown p50/max  loaded p50/max   files (gzip)    API bytes');
  for (const p of pages) {
    const ms = [];
    for (let i = 0; i < Number(runs); i++) ms.push(await measure(browser, base + p));
    const f = (k) => ms.map((m) => m[k]);
    console.log(`${p.padEnd(22)} ${pct(f('fcp'), 50).toFixed(0).padStart(6)} ms ` +
      `${pct(f('shown'), 50).toFixed(0).padStart(6)}/${Math.max(...f('shown')).toFixed(0).padStart(4)} ms ` +
      `${pct(f('loaded'), 50).toFixed(0).padStart(7)}/${Math.max(...f('loaded')).toFixed(0).padStart(4)} ms ` +
      `${(ms[0].assetBytes / 1024).toFixed(1).padStart(8)} KB (${ms[0].files} files) ` +
      `${(ms[0].apiBytes / 1024).toFixed(1).padStart(9)} KB`);
    if (process.env.IM_BENCH_DETAIL) {
      const median = [...ms].sort((a, b) => a.shown - b.shown)[Math.floor(ms.length / 2)];
      console.log(`  median run: FCP ${median.fcp.toFixed(0)}, data drawn (im-page-ready) ${median.ready.toFixed(0)}, ` +
        `painted (im-page-painted) ${median.painted.toFixed(0)}, shown ${median.shown.toFixed(0)} ms; ` +
        'start / first byte / end:');
      for (const [name, start, first, end] of median.detail) {
        console.log(`    ${start.toFixed(0).padStart(5)} ${first.toFixed(0).padStart(5)} ${end.toFixed(0).padStart(5)}  ${name}`);
      }
    }
  }
  const live = await liveLatency(browser);
  console.log(`live update, commit → shown on an open /incidents page: p50 ${pct(live, 50)} ms, max ${Math.max(...live)} ms (10 changes)`);
  if (unsettled) console.log(`warning: before ${unsettled} load(s) the browser was still busy after 5 s; their times include its own work`);
  await browser.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
