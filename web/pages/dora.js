// DORA: the four keys and MTTA for a period, per service or team, with each number's band,
// weekly trends, and the incidents and deployments behind the numbers (drill-down).
import { get } from '../api.js';
import {
  h, errorBox, withQuery, select, input, fmtDuration, barChart, timeEl, markFirstScreen,
} from '../ui.js';

const PERIODS = [['-7d', 'Last 7 days'], ['-30d', 'Last 30 days'], ['-90d', 'Last 90 days'],
  ['-180d', 'Last 180 days']];

// `raw` is the API's number behind the text, kept in data-raw for checks against the CLI.
function card(key, title, value, detail, band, raw) {
  return h('div', { class: 'card', id: `dora-${key}` },
    h('h3', {}, title),
    h('p', { class: 'big', 'data-metric': key, 'data-raw': JSON.stringify(raw ?? null) }, value),
    detail ? h('p', { class: 'muted' }, detail) : null,
    band ? h('p', {}, 'Band: ', h('span', { class: `band band-${band}`, 'data-band': key }, band)) : null);
}

// The service and team fields suggest the catalog's names (GET /api/v1/services); typing any
// other name still works. Filled after the numbers are asked for, so it never delays them.
function fillPickers(form) {
  get('/api/v1/services').then((r) => {
    const services = (r.services || []).filter((s) => s && s.name);
    const teams = [...new Set(services.map((s) => s.team).filter(Boolean))].sort();
    form.querySelector('#dora-services').replaceChildren(
      ...services.map((s) => h('option', { value: s.name })));
    form.querySelector('#dora-teams').replaceChildren(...teams.map((t) => h('option', { value: t })));
  }).catch(() => {});  // suggestions only: the form works without them
}

const secs = (s) => (s === null || s === undefined ? '—' : fmtDuration(s));

export async function render(main, ctx) {
  const q = ctx.query;
  const since = q.since || '-30d';
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'DORA period and scope' },
    select('since', 'Period', PERIODS.some(([v]) => v === since) ? PERIODS : [[since, since], ...PERIODS], since),
    input('until', 'Until (RFC 3339, empty = now)', q.until, { autocomplete: 'off' }),
    input('service', 'Service', q.service, { autocomplete: 'off', list: 'dora-services' }),
    input('team', 'Team', q.team, { autocomplete: 'off', list: 'dora-teams' }),
    h('datalist', { id: 'dora-services' }), h('datalist', { id: 'dora-teams' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(withQuery('/dora', { ...Object.fromEntries(new FormData(form).entries()), drill: q.drill }));
  });
  main.append(h('h1', {}, 'DORA metrics'), form);
  // Suggestions only, asked for once the numbers are painted.
  ctx.afterFirstPaint(() => {
    fillPickers(form);
  });
  let r;
  try {
    r = await get(withQuery('/api/v1/metrics/dora', {
      since, until: q.until, service: q.service, team: q.team,
      include: q.drill ? 'incidents,deployments' : undefined,
    }));
  } catch (err) {
    main.append(errorBox(err));
    return null;
  }
  const f = r.deployment_frequency;
  const cfr = r.change_failure_rate;
  const period = h('p', { class: 'muted', id: 'dora-period' }, 'From ', timeEl(r.period.since), ' to ',
    timeEl(r.period.until), ` (weeks in ${r.period.zone})`);
  markFirstScreen(period);
  main.append(
    period,
    h('div', { class: 'cards' },
      card('deployment_frequency', 'Deployment frequency', `${f.per_week.toFixed(2)} / week`,
        `${f.deployments} deployments, ${f.per_day.toFixed(2)} / day`, f.band, f.per_week),
      card('lead_time', 'Lead time for changes (median)', secs(r.lead_time.median_seconds),
        `${r.lead_time.count} changes, p90 ${secs(r.lead_time.p90_seconds)}`, r.lead_time.band,
        r.lead_time.median_seconds),
      card('change_failure_rate', 'Change failure rate',
        cfr.rate === null ? '—' : `${(cfr.rate * 100).toFixed(1)}%`,
        `${cfr.failed_deployments} of ${cfr.deployments} deployments`, cfr.band, cfr.rate),
      card('time_to_restore', 'Time to restore (median)', secs(r.time_to_restore.median_seconds),
        `${r.time_to_restore.count} incidents, mean ${secs(r.time_to_restore.mean_seconds)}`, r.time_to_restore.band,
        r.time_to_restore.median_seconds),
      card('time_to_acknowledge', 'MTTA (mean time to acknowledge)', secs(r.time_to_acknowledge.mean_seconds),
        `${r.time_to_acknowledge.count} incidents, median ${secs(r.time_to_acknowledge.median_seconds)}`, null,
        r.time_to_acknowledge.mean_seconds)),
    h('p', { class: 'muted' }, r.bands_source));

  const weeks = r.weekly || [];
  main.append(h('section', { 'aria-labelledby': 'trend-h' }, h('h2', { id: 'trend-h' }, 'Weekly trend'),
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('h3', {}, 'Deployments per week'),
        barChart(weeks.map((w) => ({ label: w.week.replace(/^\d{4}-/, ''), y: w.deployments })), { title: 'Deployments per week' })),
      h('div', { class: 'card' }, h('h3', {}, 'Median time to restore (hours)'),
        barChart(weeks.map((w) => ({ label: w.week.replace(/^\d{4}-/, ''), y: w.time_to_restore.median_seconds === null ? null : +(w.time_to_restore.median_seconds / 3600).toFixed(2) })), { title: 'Median time to restore', unit: 'h' })),
      h('div', { class: 'card' }, h('h3', {}, 'Failed deployments per week'),
        barChart(weeks.map((w) => ({ label: w.week.replace(/^\d{4}-/, ''), y: w.failed_deployments })), { title: 'Failed deployments per week' })))));

  const drill = h('section', { 'aria-labelledby': 'drill-h' }, h('h2', { id: 'drill-h' }, 'Behind the numbers'));
  if (!q.drill) {
    drill.append(h('a', { href: withQuery('/dora', { ...q, drill: '1' }) }, 'Show the incidents and deployments'));
  } else {
    const incs = (r.incident_list && r.incident_list.items) || [];
    const deps = (r.deployment_list && r.deployment_list.items) || [];
    const more = (l) => (l && l.truncated ? ' (first ones only)' : '');
    drill.append(
      h('h3', {}, `Incidents (${r.incident_list ? r.incident_list.total : 0})${more(r.incident_list)}`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'list', id: 'dora-incidents' },
        h('thead', {}, h('tr', {}, ['Incident', 'Urgency', 'Time to acknowledge', 'Time to restore', 'Counted in', 'Deployment'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, incs.map((i) => h('tr', {},
          h('td', {}, h('a', { href: `/incidents/${i.id}` }, i.id)),
          h('td', {}, i.urgency),
          h('td', {}, secs(i.time_to_acknowledge_seconds)),
          h('td', {}, secs(i.time_to_restore_seconds)),
          h('td', {}, (i.counted_in || []).join(', ')),
          h('td', { title: i.attribution || '' }, i.deployment || '—')))))),
      h('h3', {}, `Deployments (${deps.length})${more(r.deployment_list)}`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'list', id: 'dora-deployments' },
        h('thead', {}, h('tr', {}, ['Deployment', 'Service', 'Triggered', 'Status', 'Lead time', 'Caused'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, deps.map((d) => h('tr', {},
          h('td', {}, d.id), h('td', {}, d.service), h('td', {}, timeEl(d.triggered_at)),
          h('td', {}, d.status), h('td', {}, secs(d.lead_time_seconds)),
          h('td', {}, (d.incidents || []).map((id, k) => [k ? ', ' : '', h('a', { href: `/incidents/${id}` }, id)]))))))));
  }
  main.append(drill);
  return null;
}
