// Monitors: a status grid (problems first, a page at a time, so 10,000 monitors stay quick),
// one monitor's uptime and response times with its maintenance windows, and channel health.
import { get } from '../api.js';
import {
  h, esc, errorBox, withQuery, select, input, timeHtml, barChart, badge, fillRows,
} from '../ui.js';

const PAGE = 120;

function detail(m) {
  const stats = m.stats || {};
  const windows = Object.entries(stats);
  const recent = (m.recent_checks || []).slice(-60);
  return h('section', { class: 'card', id: 'monitor-detail', 'aria-labelledby': 'md-h' },
    h('h2', { id: 'md-h' }, m.name, ' ', badge('state', m.status)),
    h('p', { class: 'muted' }, `${m.type} ${m.url || m.target || ''} · every ${m.interval} · service ${m.service}`),
    m.state && m.state.last_error ? h('p', {}, 'Last error: ', m.state.last_error) : null,
    m.state && m.state.incident ? h('p', {}, 'Incident: ', h('a', { href: `/incidents/${m.state.incident}` }, m.state.incident)) : null,
    h('div', { class: 'table-wrap' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['Window', 'Uptime', 'Checks', 'Failures', 'p50 ms', 'p95 ms'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, windows.map(([name, w]) => h('tr', {},
        h('td', {}, name),
        h('td', {}, w.uptime_percent === null ? '—' : `${w.uptime_percent.toFixed(3)}%`),
        h('td', {}, w.checks), h('td', {}, w.failures),
        h('td', {}, w.response_ms_p50 === null ? '—' : w.response_ms_p50.toFixed(1)),
        h('td', {}, w.response_ms_p95 === null ? '—' : w.response_ms_p95.toFixed(1))))))),
    h('h3', {}, 'Response time of the last checks (ms)'),
    barChart(recent.map((c) => ({ label: new Date(c.at).toISOString().slice(11, 16), y: c.ok ? +c.response_ms.toFixed(1) : 0 })), { title: 'Response time', unit: ' ms' }),
    h('h3', {}, 'Maintenance windows'),
    (m.maintenance || []).length
      ? h('ul', {}, m.maintenance.map((w) => h('li', {}, typeof w === 'string' ? w : JSON.stringify(w))))
      : h('p', { class: 'muted' }, 'None'));
}

export async function render(main, ctx) {
  const q = ctx.query;
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter monitors' },
    select('status', 'Status', [['', 'Any'], ['down', 'Down'], ['up', 'Up'], ['paused', 'Paused'], ['pending', 'Pending']], q.status),
    input('q', 'Name contains', q.q, { autocomplete: 'off' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(withQuery('/monitors', Object.fromEntries(new FormData(form).entries())));
  });
  // Built apart and shown whole once the data is drawn (one layout).
  const out = document.createDocumentFragment();
  out.append(h('h1', {}, 'Monitors'), form);
  let list;
  let channels;
  let one = null;
  try {
    [list, channels, one] = await Promise.all([
      get(withQuery('/api/v1/monitors', {
        status: q.status, q: q.q, limit: PAGE, offset: (Math.max(0, parseInt(q.page || '0', 10) || 0)) * PAGE,
      })),
      get('/api/v1/channels'),
      q.monitor ? get(`/api/v1/monitors/${encodeURIComponent(q.monitor)}`).catch((e) => ({ error: e })) : null,
    ]);
  } catch (err) {
    main.append(out, errorBox(err));
    return null;
  }
  const counts = list.counts;
  out.append(h('div', { class: 'cards', id: 'monitor-counts' },
    Object.entries(counts).map(([k, n]) => h('a', { class: 'card', href: withQuery('/monitors', { ...q, status: k, page: '' }) },
      h('h3', {}, k), h('p', { class: `big state-${k}`, 'data-count': k }, n)))));
  if (one) out.append(one.error ? errorBox(one.error) : detail(one));

  // The API pages and orders them (problems first): only this page is fetched.
  const page = Math.max(0, parseInt(q.page || '0', 10) || 0);
  const slice = list.monitors;
  // The tiles are parsed as one HTML string (every value escaped); the ones below the fold
  // come after the first paint. A tile is at least 180 px wide (style.css .grid).
  const grid = h('ul', { class: 'grid', id: 'monitor-grid', 'aria-label': 'Monitors by status' });
  fillRows(grid, slice, ctx, {
    html: (m) => `<li class="tile state-${esc(m.status)}">` +
      `<a class="name" href="${esc(withQuery('/monitors', { ...q, monitor: m.id }))}">${esc(m.name)}</a>` +
      `<div>${esc(m.status)}${m.last_check_at ? ` · ${timeHtml(m.last_check_at)}` : ''}</div></li>`,
    perRow: Math.max(1, Math.floor(Math.min(window.innerWidth, 1280) / 186)),
  });
  out.append(h('h2', {}, `Status (${list.total})`), grid);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Monitor pages' });
  if (page > 0) pager.append(h('a', { href: withQuery('/monitors', { ...q, page: page - 1 }) }, '← Previous'), ' ');
  if ((page + 1) * PAGE < list.total) pager.append(h('a', { href: withQuery('/monitors', { ...q, page: page + 1 }) }, 'Next →'));
  out.append(pager);

  out.append(h('h2', {}, 'Notification channels'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'list', id: 'channels' },
      h('thead', {}, h('tr', {}, ['Channel', 'Type', 'Health', 'Pending', 'Parked', 'Sent 24h', 'Last error'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, channels.channels.length ? channels.channels.map((c) => {
        const hl = c.health || {};
        return h('tr', {}, h('td', {}, c.name), h('td', {}, c.type),
          h('td', {}, badge('state', hl.failing ? 'failing' : 'ok')),
          h('td', {}, hl.pending ?? '—'), h('td', {}, hl.parked ?? '—'), h('td', {}, hl.sent_24h ?? '—'),
          h('td', {}, hl.last_error || ''));
      }) : h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No channels.'))))));
  main.append(out);
  return null;
}
