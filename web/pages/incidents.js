// Incidents: the list, filtered and sorted by the URL's query, updated live from
// /api/v1/events, and the form to declare one.
import { get, post, watchIncidents, currentSession } from '../api.js';
import {
  h, clear, esc, badgeHtml, timeHtml, sourceName, errorBox, withQuery, select, input, toast,
  fillRows,
} from '../ui.js';

const STATUSES = [['', 'Any status'], ['open,mitigated', 'Unresolved'], ['open', 'Open'],
  ['mitigated', 'Mitigated'], ['resolved', 'Resolved'], ['closed', 'Closed']];
const SEVERITIES = [['', 'Any severity'], ['SEV-1', 'SEV-1'], ['SEV-2', 'SEV-2'],
  ['SEV-3', 'SEV-3'], ['SEV-4', 'SEV-4']];
const SOURCES = [['', 'Any source'], ['im', 'im'], ['pagerduty', 'PagerDuty'],
  ['opsgenie', 'Opsgenie'], ['incidentio', 'incident.io'], ['monitor', 'monitor']];
const SINCE = [['', 'Any time'], ['-1d', 'Last 24 hours'], ['-7d', 'Last 7 days'],
  ['-30d', 'Last 30 days'], ['-90d', 'Last 90 days']];
const SORTS = [['', 'Newest first'], ['oldest', 'Oldest first'], ['severity', 'Severity'],
  ['status', 'Status']];
const STATUS_ORDER = { open: 0, mitigated: 1, resolved: 2, closed: 3 };

// The worse of the two clocks: breached, at risk, on track, met.
function slaState(i) {
  const states = [i.sla && i.sla.acknowledge, i.sla && i.sla.resolve].filter(Boolean).map((c) => c.state);
  for (const s of ['breached', 'at_risk', 'on_track', 'met']) if (states.includes(s)) return s;
  return 'none';
}

function sortRows(list, sort) {
  const rows = [...list];
  if (sort === 'oldest') rows.sort((a, b) => a.number - b.number);
  else if (sort === 'severity') rows.sort((a, b) => a.severity.localeCompare(b.severity) || b.number - a.number);
  else if (sort === 'status') rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.number - a.number);
  else rows.sort((a, b) => b.number - a.number);
  return rows;
}

function matches(i, q, teamServices) {
  if (q.status && !q.status.split(',').includes(i.status)) return false;
  if (q.severity && !q.severity.split(',').includes(i.severity)) return false;
  if (q.source && !q.source.split(',').includes(i.source)) return false;
  if (q.service && !i.services.some((s) => q.service.split(',').includes(s))) return false;
  if (q.team && !i.services.some((s) => teamServices.has(s))) return false;
  if (q.before) return false; // an older page: new incidents belong on the first page
  return true;
}

// One row as HTML (every value escaped): the list is parsed as one string.
function rowHtml(i) {
  return `<tr id="row-${esc(i.id)}" data-status="${esc(i.status)}">` +
    `<td><a href="/incidents/${esc(i.id)}">${esc(i.id)}</a></td>` +
    `<td class="title">${esc(i.title)}</td>` +
    `<td>${badgeHtml('status', i.status)}</td>` +
    `<td>${badgeHtml('sev', i.severity)}</td>` +
    `<td>${esc(i.services.join(', '))}</td>` +
    `<td>${esc(sourceName(i.source))}</td>` +
    `<td>${badgeHtml('sla', slaState(i))}</td>` +
    `<td>${timeHtml(i.created_at)}</td></tr>`;
}

function declareForm(onDeclared) {
  const status = h('div', { class: 'form-error', 'aria-live': 'assertive' });
  const form = h('form', { class: 'declare', 'aria-label': 'Declare an incident' },
    h('h2', {}, 'Declare an incident'),
    input('title', 'Title', '', { required: true, maxlength: 500, autocomplete: 'off' }, 'd'),
    select('severity', 'Severity', SEVERITIES.slice(1), 'SEV-3', 'd'),
    input('services', 'Services (comma-separated)', '', { required: true, autocomplete: 'off' }, 'd'),
    h('div', { class: 'field wide' }, h('label', { for: 'd-description' }, 'Description'),
      h('textarea', { id: 'd-description', name: 'description', rows: 2 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Declare')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    const fd = new FormData(form);
    const body = {
      title: fd.get('title'),
      severity: fd.get('severity'),
      services: String(fd.get('services')).split(',').map((s) => s.trim()).filter(Boolean),
    };
    if (fd.get('description')) body.description = fd.get('description');
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const inc = await post('/api/v1/incidents', body);
      form.reset();
      toast(`Declared ${inc.id}`);
      onDeclared(inc);
    } catch (err) {
      status.append(errorBox(err));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function render(main, ctx) {
  const q = ctx.query;
  const apiQuery = {
    status: q.status, severity: q.severity, service: q.service, team: q.team, source: q.source,
    since: q.since, before: q.before, limit: q.limit || 100,
  };
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter incidents' },
    select('status', 'Status', STATUSES, q.status),
    select('severity', 'Severity', SEVERITIES, q.severity),
    input('service', 'Service', q.service, { autocomplete: 'off' }),
    input('team', 'Team', q.team, { autocomplete: 'off' }),
    select('source', 'Source', SOURCES, q.source),
    select('since', 'Created', SINCE, q.since),
    select('sort', 'Sort', SORTS, q.sort),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply')));
  filters.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT') filters.requestSubmit();
  });
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = Object.fromEntries(new FormData(filters).entries());
    ctx.navigate(withQuery('/incidents', fd), { replace: false });
  });
  const live = h('span', { class: 'live', id: 'live-state', 'aria-live': 'polite' }, 'connecting…');
  // The page is built apart and shown whole once its data is drawn: one layout, not one for
  // the filters and another for the list.
  const page = document.createDocumentFragment();
  page.append(h('div', { class: 'page-head' }, h('h1', {}, 'Incidents'), live), filters);
  const declareSlot = h('div', { class: 'declare-slot' });
  page.append(declareSlot);
  const showDeclare = () => {
    if (currentSession()) {
      declareSlot.replaceWith(h('details', { class: 'declare-box' }, h('summary', {}, 'Declare an incident'),
        declareForm((inc) => ctx.navigate(`/incidents/${inc.id}`))));
    } else {
      declareSlot.replaceWith(h('p', { class: 'hint' },
        h('a', { href: `/login?next=${encodeURIComponent(location.pathname + location.search)}` }, 'Log in'),
        ' to declare or act on incidents.'));
    }
  };
  const tbody = h('tbody');
  const table = h('table', { class: 'list fixed', id: 'incidents' },
    h('caption', { class: 'sr-only' }, 'Incidents'),
    h('thead', {}, h('tr', {}, ['Incident', 'Title', 'Status', 'Severity', 'Services', 'Source',
      'SLA', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const holder = h('div', { class: 'table-wrap' }, table);
  page.append(holder, pager);

  let data;
  let teamServices = new Set();
  try {
    const [list, services] = await Promise.all([
      get(withQuery('/api/v1/incidents', apiQuery)),
      q.team ? get('/api/v1/services') : Promise.resolve(null),
      ctx.session.then(showDeclare),
    ]);
    data = list;
    if (services) {
      teamServices = new Set(services.services.filter((s) => s.team === q.team).map((s) => s.name));
    }
  } catch (err) {
    await ctx.session;
    if (declareSlot.parentNode) showDeclare();
    holder.replaceWith(errorBox(err));
    main.append(page);
    return null;
  }
  const byId = new Map(data.incidents.map((i) => [i.id, i]));
  // The first time, the rows below the fold come after the first paint (fillRows).
  const draw = (first) => {
    const rows = sortRows([...byId.values()], q.sort);
    fillRows(tbody, rows.length ? rows : [null], first ? ctx : null, {
      html: (i) => (i ? rowHtml(i) : '<tr><td colspan="8" class="empty">No incidents match.</td></tr>'),
    });
  };
  draw(true);
  if (data.next_before) {
    pager.append(h('a', { href: withQuery('/incidents', { ...q, before: data.next_before }) }, 'Older incidents →'));
  }
  if (q.before) pager.prepend(h('a', { href: withQuery('/incidents', { ...q, before: '' }) }, '← Newest'), ' ');
  main.append(page);

  // A change made after the list was read but before the stream started: read the list again.
  const readAgain = async () => {
    try {
      const fresh = await get(withQuery('/api/v1/incidents', apiQuery));
      const next = new Map(fresh.incidents.map((i) => [i.id, i]));
      // A change the stream brought while this read was under way is newer: keep it.
      for (const [id, inc] of byId) if (next.has(id) && next.get(id).version < inc.version) next.set(id, inc);
      byId.clear();
      for (const [id, inc] of next) byId.set(id, inc);
      draw();
    } catch {
      // Shown by the next change or reload; the stream itself goes on.
    }
  };
  return watchIncidents((inc) => {
    const had = byId.has(inc.id);
    if (had && byId.get(inc.id).version === inc.version) return;  // in the list already
    if (matches(inc, q, teamServices)) byId.set(inc.id, inc);
    else if (had) byId.delete(inc.id);
    else return;
    draw();
    const tr = document.getElementById(`row-${inc.id}`);
    if (tr) tr.classList.add('changed');
  }, (state) => {
    live.textContent = state === 'live' ? '● live' : 'offline, retrying…';
    live.dataset.state = state;
  }, { after: data.events_after, onMissed: readAgain });
}
