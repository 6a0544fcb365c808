// On-call: who is on call now and next (each schedule, and a chosen service's escalation
// levels), a week or month of one schedule's final shifts in the viewer's zone or the
// schedule's (switchable, DST-exact: days are cut at local midnight), gaps highlighted, and
// on-call hours per engineer for a period.
import { get } from '../api.js';
import {
  h, esc, errorBox, withQuery, select, input, timeEl, timeHtml, fillRows,
} from '../ui.js';

/* global Temporal */
const HAS_TEMPORAL = typeof Temporal !== 'undefined' && !!Temporal.Instant;

// The browser's own zone, asked for when first needed (not while the module loads).
const viewerZone = () => (HAS_TEMPORAL ? Temporal.Now.timeZoneId()
  : Intl.DateTimeFormat().resolvedOptions().timeZone);

// An instant's wall-clock parts in `zone`. Temporal (current Chromium and Firefox) answers in
// a few milliseconds; the first Intl.DateTimeFormat a page makes costs 35-110 ms of ICU set-up
// (measured in Chromium 156 on this machine), the on-call page's largest cost. Without
// Temporal: one Intl.DateTimeFormat per zone, whose parts give days, hours and titles alike.
const formats = new Map();
function wall(ms, zone) {
  if (HAS_TEMPORAL) {
    const z = Temporal.Instant.fromEpochMilliseconds(Math.floor(ms)).toZonedDateTimeISO(zone);
    return { y: z.year, m: z.month, d: z.day, hh: z.hour, mm: z.minute, ss: z.second };
  }
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: zone,
    });
    formats.set(zone, f);
  }
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return { y: +p.year, m: +p.month, d: +p.day, hh: +p.hour, mm: +p.minute, ss: +p.second };
}

// The offset (ms) of `zone` at instant `ms`: local wall time minus UTC.
function offsetAt(ms, zone) {
  const w = wall(ms, zone);
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss) - Math.floor(ms / 1000) * 1000;
}

// The instant of local midnight starting civil day y-m-d in `zone`.
function midnight(y, m, d, zone) {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - offsetAt(guess, zone);
  t = guess - offsetAt(t, zone);
  return t;
}

function civil(ms, zone) {
  const w = wall(ms, zone);
  return [w.y, w.m, w.d];
}

const pad2 = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const hm = (ms, zone) => {
  const w = wall(ms, zone);
  return `${pad2(w.hh)}:${pad2(w.mm)}`;
};

// "05 Mar 2026, 09:00 UTC-5" in `zone` (the form ui.js uses for the viewer's zone).
function zoneTime(ms, zone) {
  const w = wall(ms, zone);
  const east = Math.round(offsetAt(ms, zone) / 60000);
  const abs = Math.abs(east);
  const off = east === 0 ? 'UTC'
    : `UTC${east > 0 ? '+' : '-'}${Math.floor(abs / 60)}${abs % 60 ? `:${pad2(abs % 60)}` : ''}`;
  return `${pad2(w.d)} ${MONTHS[w.m - 1]} ${w.y}, ${pad2(w.hh)}:${pad2(w.mm)} ${off}`;
}

function days(startYmd, count, zone) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const d = new Date(Date.UTC(startYmd[0], startYmd[1] - 1, startYmd[2] + i));
    const next = new Date(Date.UTC(startYmd[0], startYmd[1] - 1, startYmd[2] + i + 1));
    out.push({
      label: `${WEEKDAYS[d.getUTCDay()]} ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}`,
      start: midnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), zone),
      end: midnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone),
    });
  }
  return out;
}

// Shifts plus the gaps between them (nobody on call) over [since, until).
function withGaps(shifts, since, until) {
  const sorted = shifts.map((s) => ({ user: s.user, start: Date.parse(s.start), end: Date.parse(s.end) }))
    .sort((a, b) => a.start - b.start);
  const out = [];
  let cursor = since;
  for (const s of sorted) {
    if (s.start > cursor) out.push({ gap: true, start: cursor, end: s.start });
    out.push(s);
    cursor = Math.max(cursor, s.end);
  }
  if (cursor < until) out.push({ gap: true, start: cursor, end: until });
  return out;
}

function calendar(schedule, shifts, q, zone) {
  const view = q.view === 'month' ? 'month' : 'week';
  const today = civil(Date.now(), zone);
  let start = q.start ? q.start.split('-').map(Number) : today;
  if (view === 'month') start = [start[0], start[1], 1];
  const count = view === 'month'
    ? new Date(Date.UTC(start[0], start[1], 0)).getUTCDate() : 7;
  const ds = days(start, count, zone);
  const since = ds[0].start;
  const until = ds[ds.length - 1].end;
  return { ds, since, until, view, start, count };
}

// A window in UTC that holds the calendar's, whatever the zone (offsets are within ±14 h):
// the shifts are asked for before the zone's days are worked out (the first Intl formatter
// costs tens of milliseconds), and cut to the calendar's window when they arrive.
function wideWindow(q) {
  const view = q.view === 'month' ? 'month' : 'week';
  const day = 86400000;
  let lo;
  let hi;
  if (q.start) {
    const [y, m, d] = q.start.split('-').map(Number);
    lo = hi = Date.UTC(y, m - 1, d);
  } else {
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    lo = today - day;
    hi = today + day;
  }
  if (view === 'week') return { since: lo - day, until: hi + 8 * day };
  const a = new Date(lo);
  const b = new Date(hi);
  return {
    since: Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), 1) - day,
    until: Date.UTC(b.getUTCFullYear(), b.getUTCMonth() + 1, 1) + day,
  };
}

async function scheduleSection(q, ctx, schedulesP) {
  const schedules = await schedulesP;
  const list = schedules.schedules || [];
  if (!list.length) return h('p', { class: 'muted' }, 'No schedules.');
  const id = q.schedule || list[0].id;
  const sched = list.find((s) => String(s.id) === String(id)) || list[0];
  const wide = wideWindow(q);
  const shiftsP = Number.isNaN(wide.since) || Number.isNaN(wide.until) ? null
    : get(withQuery(`/api/v1/schedules/${encodeURIComponent(sched.id)}/shifts`, {
      since: new Date(wide.since).toISOString(), until: new Date(wide.until).toISOString(),
    }));
  if (shiftsP) shiftsP.catch(() => {});
  const zone = q.zone === 'viewer' ? viewerZone() : (sched.time_zone || 'UTC');
  const cal = calendar(sched, null, q, zone);
  const inside = cal.since >= wide.since && cal.until <= wide.until;
  // A start the wide window does not hold (a malformed ?start=) asks for the exact window.
  const r = await (inside ? shiftsP : get(withQuery(`/api/v1/schedules/${encodeURIComponent(sched.id)}/shifts`, {
    since: new Date(cal.since).toISOString(), until: new Date(cal.until).toISOString(),
  })));
  r.shifts = r.shifts.filter((s) => Date.parse(s.end) > cal.since && Date.parse(s.start) < cal.until)
    .map((s) => ({
      user: s.user,
      start: new Date(Math.max(Date.parse(s.start), cal.since)).toISOString(),
      end: new Date(Math.min(Date.parse(s.end), cal.until)).toISOString(),
    }));
  const all = withGaps(r.shifts, cal.since, cal.until);
  const form = h('form', { class: 'filters', 'aria-label': 'Schedule view' },
    select('schedule', 'Schedule', list.map((s) => [String(s.id), s.name]), String(sched.id)),
    select('view', 'View', [['week', 'Week'], ['month', 'Month']], cal.view),
    input('start', 'From (YYYY-MM-DD)', q.start || cal.start.map((n, i) => (i ? String(n).padStart(2, '0') : n)).join('-'), { pattern: '\\d{4}-\\d{2}-\\d{2}' }),
    select('zone', 'Time zone', [['', `Schedule's (${sched.time_zone})`], ['viewer', `Mine (${viewerZone()})`]], q.zone === 'viewer' ? 'viewer' : ''),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')));
  form.addEventListener('change', (e) => { if (e.target.tagName === 'SELECT') form.requestSubmit(); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(withQuery('/oncall', { ...q, ...Object.fromEntries(new FormData(form).entries()) }));
  });
  const grid = h('div', { class: 'week', id: 'shift-calendar', 'data-zone': zone },
    cal.ds.map((d) => h('div', { class: 'day' },
      h('h3', {}, d.label),
      all.filter((s) => s.start < d.end && s.end > d.start).map((s) => h('div', {
        class: s.gap ? 'shift gap' : 'shift',
        title: `${zoneTime(s.start, zone)} – ${zoneTime(s.end, zone)}`,
      }, `${s.start >= d.start && s.start > cal.since ? hm(s.start, zone) : '…'}–${s.end <= d.end && s.end < cal.until ? hm(s.end, zone) : '…'} `,
      s.gap ? 'nobody (gap)' : s.user)))));
  const gaps = all.filter((s) => s.gap);
  return h('section', { 'aria-labelledby': 'cal-h' },
    h('h2', { id: 'cal-h' }, `Shifts: ${sched.name}`), form,
    h('p', { class: gaps.length ? 'error' : 'muted', id: 'gap-summary' },
      gaps.length ? `${gaps.length} gap(s) with nobody on call` : 'No gaps', ` · times in ${zone}`),
    grid);
}

// Long tables show their first rows until asked for all (?now=all, ?hours=all): a page with
// hundreds of schedules and engineers draws in a fraction of the time, and the link is a URL.
const FIRST_ROWS = 50;
// Most on-call hours first (then by email), so the first rows are the most loaded people.
const byLoad = (engineers) => [...engineers].sort((a, b) => b.total_hours - a.total_hours ||
  (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
const firstRows = (rows, param) => (param === 'all' ? rows : rows.slice(0, FIRST_ROWS));
function showAll(count, q, param, noun) {
  if (count <= FIRST_ROWS || q[param] === 'all') return null;
  return h('p', { class: 'more' }, `Showing ${FIRST_ROWS} of ${count} ${noun}. `,
    h('a', { href: withQuery('/oncall', { ...q, [param]: 'all' }), id: `all-${param}` }, `Show all ${count}`));
}

// A table whose rows are HTML strings (every value escaped), with fixed column widths
// (style.css): with a page's ctx, the rows below the fold come after the first paint
// (fillRows) and do not move the columns of those above.
function tableHtml(id, heads, items, html, ctx) {
  const table = h('table', { class: 'list fixed', id },
    h('thead', {}, h('tr', {}, heads.map((c) => h('th', { scope: 'col' }, c)))));
  const tbody = h('tbody');
  fillRows(tbody, items, ctx, { html });
  table.append(tbody);
  return h('div', { class: 'table-wrap' }, table);
}

export async function render(main, ctx) {
  const q = ctx.query;
  // Every request at once; each section waits only for its own. The page is shown once "Now
  // and next" is drawn (the first screen); the calendar and the hours follow.
  const nowP = get('/api/v1/oncall');
  const schedulesP = get('/api/v1/schedules');
  const serviceP = q.service ? get(withQuery('/api/v1/oncall', { service: q.service })) : null;
  const hoursP = get(withQuery('/api/v1/oncall/hours', { since: q.hours_since || '-30d', until: q.hours_until }));
  // Handled where each is awaited; this keeps an early failure from being reported unhandled.
  for (const p of [nowP, schedulesP, serviceP, hoursP]) if (p) p.catch(() => {});
  const sectionP = scheduleSection(q, ctx, schedulesP).catch((err) => errorBox(err));
  // Built apart and shown whole once its first sections are drawn (one layout).
  const page = document.createDocumentFragment();
  page.append(h('h1', {}, 'On-call'));
  try {
    const now = await nowP;
    page.append(h('section', { 'aria-labelledby': 'now-h' }, h('h2', { id: 'now-h' }, 'Now and next'),
      tableHtml('oncall-now', ['Schedule', 'On call now', 'Until', 'Next', 'From'],
        firstRows(now.oncalls, q.now), (o) => '<tr>' +
          `<td><a href="${esc(withQuery('/oncall', { ...q, schedule: o.schedule.id }))}">${esc(o.schedule.name)}</a></td>` +
          `<td>${o.current ? esc(o.current.user) : '<span class="badge sla-breached">nobody</span>'}</td>` +
          `<td>${o.current ? timeHtml(o.current.end) : '—'}</td>` +
          `<td>${o.next ? esc(o.next.to || 'nobody') : '—'}</td>` +
          `<td>${o.next ? timeHtml(o.next.at) : '—'}</td></tr>`, ctx),
      showAll(now.oncalls.length, q, 'now', 'schedules')));
  } catch (err) {
    page.append(errorBox(err));
  }
  const svcForm = h('form', { class: 'filters', 'aria-label': 'On call for a service' },
    input('service', 'Service', q.service, { autocomplete: 'off' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Who is on call')));
  svcForm.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(withQuery('/oncall', { ...q, service: new FormData(svcForm).get('service') }));
  });
  const svc = h('section', { 'aria-labelledby': 'svc-h' }, h('h2', { id: 'svc-h' }, 'By service'), svcForm);
  if (q.service) {
    try {
      const s = await serviceP;
      svc.append(h('p', { id: 'service-oncall' }, `${s.service}: `, s.current ? s.current.user : 'nobody',
        s.next ? [' · next ', s.next.to || 'nobody', ' at ', timeEl(s.next.at)] : ''),
      h('ol', {}, (s.levels || []).map((l) => h('li', {}, `level ${l.level}: `,
        (l.users || []).map((u) => u.user).join(', ') || 'nobody'))));
    } catch (err) {
      svc.append(errorBox(err));
    }
  }
  // Stand-ins until the calendar and the hours are drawn, after the first paint.
  const calSlot = h('section', { class: 'pending' }, h('h2', {}, 'Shifts'), h('p', { class: 'loading' }, 'Loading…'));
  const hoursSlot = h('section', { class: 'pending' }, h('h2', {}, 'On-call hours per engineer'),
    h('p', { class: 'loading' }, 'Loading…'));
  page.append(svc, calSlot, hoursSlot);
  main.append(page);
  ctx.afterFirstPaint(async () => {
    calSlot.replaceWith(await sectionP);
    hoursSlot.replaceWith(await hoursSection(q, ctx, hoursP));
  });
  return null;
}

async function hoursSection(q, ctx, hoursP) {
  const hForm = h('form', { class: 'filters', 'aria-label': 'Hours period' },
    input('hours_since', 'Since', q.hours_since || '-30d', { autocomplete: 'off' }),
    input('hours_until', 'Until', q.hours_until || '', { autocomplete: 'off' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Count hours')));
  hForm.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(withQuery('/oncall', { ...q, ...Object.fromEntries(new FormData(hForm).entries()) }));
  });
  const hours = h('section', { 'aria-labelledby': 'hours-h' }, h('h2', { id: 'hours-h' }, 'On-call hours per engineer'), hForm);
  try {
    const r = await hoursP;
    hours.append(tableHtml('oncall-hours', ['Engineer', 'Business', 'Evening', 'Night/weekend', 'Total'],
      firstRows(byLoad(r.engineers), q.hours), (e) => `<tr><td>${esc(e.email)}</td>` +
        `<td>${e.business_hours.toFixed(1)}</td><td>${e.evening_hours.toFixed(1)}</td>` +
        `<td>${e.night_weekend_hours.toFixed(1)}</td><td>${e.total_hours.toFixed(1)}</td></tr>`),
    showAll(r.engineers.length, q, 'hours', 'engineers'));
  } catch (err) {
    hours.append(errorBox(err));
  }
  return hours;
}
