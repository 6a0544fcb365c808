// One incident: details, SLA clocks, the unified timeline (each entry says where it came
// from), the attributed deployment, and the actions (acknowledge, resolve, close, reopen, note).
import { get, post, watchIncidents, currentSession, ApiError } from '../api.js';
import { h, clear, badge, timeEl, sourceName, errorBox, fmtDuration, toast } from '../ui.js';

const VERBS = {
  declared: 'declared', acknowledged: 'acknowledged', resolved: 'resolved', closed: 'closed',
  reopened: 'reopened', note: 'note', status_change: 'status changed', sla_breach: 'SLA breached',
  assigned: 'assigned', field_changed: 'field changed', severity_changed: 'severity changed',
  synced: 'synced',
};

// "acknowledged in PagerDuty", "note from im", "check failed (monitor)".
export function origin(entry) {
  const where = sourceName(entry.source);
  const what = VERBS[entry.kind] || entry.kind;
  if (entry.kind === 'note') return `note from ${where}`;
  if (entry.source === 'im') return `${what} in im`;
  if (entry.source === 'monitor') return `${what} by monitor`;
  return `${what} in ${where}`;
}

function slaClock(name, clock, now) {
  if (!clock) {
    return h('div', { class: 'sla' }, h('h3', {}, name), h('p', {}, 'No SLA'));
  }
  const due = new Date(clock.due_at).getTime();
  const left = (due - now) / 1000;
  let text;
  if (clock.state === 'on_track' || clock.state === 'at_risk') {
    text = left >= 0 ? `${fmtDuration(left)} left` : `${fmtDuration(-left)} overdue`;
    if (clock.state === 'at_risk') text += ' (at risk)';
  } else text = clock.state; // met, breached
  return h('div', { class: `sla sla-${clock.state}` },
    h('h3', {}, name),
    h('p', { class: 'clock' }, text),
    h('p', { class: 'muted' }, `target ${clock.target}, due `, timeEl(clock.due_at)));
}

const ACTIONS = [
  ['ack', 'Acknowledge', ['open']],
  ['resolve', 'Resolve', ['open', 'mitigated']],
  ['close', 'Close', ['resolved']],
  ['reopen', 'Reopen', ['resolved', 'closed']],
];

// The provider's own page of this incident, from the URL its connector recorded
// (custom_fields pagerduty_url or incidentio_url). Only http(s) addresses are linked.
const PROVIDER_URLS = [['pagerduty_url', 'PagerDuty'], ['incidentio_url', 'incident.io'],
  ['opsgenie_url', 'Opsgenie']];
function providerLinks(inc) {
  const links = PROVIDER_URLS
    .map(([field, name]) => [name, (inc.custom_fields || {})[field]])
    .filter(([, url]) => typeof url === 'string' && /^https?:\/\//i.test(url))
    .map(([name, url]) => h('a', { href: url, class: 'provider-link', rel: 'noopener noreferrer', target: '_blank' },
      `Open in ${name} ↗`));
  if (!links.length) return null;
  return h('p', { class: 'provider-links', id: 'provider-links' }, ...links.flatMap((a, k) => (k ? [' · ', a] : [a])));
}

export async function render(main, ctx) {
  const id = decodeURIComponent(ctx.params[0]);
  const body = h('div', { id: 'incident' });
  main.append(body);
  let inc;
  let stopped = false;

  // The incident, its deployment and the session are asked for at once.
  const load = async () => {
    const [got, dep] = await Promise.allSettled([
      get(`/api/v1/incidents/${encodeURIComponent(id)}`),
      get(`/api/v1/incidents/${encodeURIComponent(id)}/deployment`),
      ctx.session,
    ]);
    if (got.status === 'rejected') {
      clear(body).append(h('h1', {}, id), errorBox(got.reason));
      return false;
    }
    inc = got.value;
    let deployment = null;
    if (dep.status === 'fulfilled') deployment = dep.value;
    else if (!(dep.reason instanceof ApiError) || dep.reason.status !== 404) deployment = { error: dep.reason };
    if (!stopped) draw(deployment);
    return true;
  };

  const act = async (path, payload, button, status) => {
    clear(status);
    button.disabled = true;
    try {
      inc = await post(`/api/v1/incidents/${inc.id}/${path}`, payload);
      toast(`${inc.id} is ${inc.status}`);
      await load();
    } catch (err) {
      status.append(errorBox(err));
      button.disabled = false;
    }
  };

  const draw = (deployment) => {
    const now = Date.now();
    const status = h('div', { class: 'form-error', 'aria-live': 'assertive' });
    const logged = currentSession();
    const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Actions' });
    if (logged) {
      for (const [path, label, from] of ACTIONS) {
        if (!from.includes(inc.status)) continue;
        const b = h('button', { type: 'button', class: path === 'resolve' ? 'primary' : '', 'data-action': path }, label);
        b.addEventListener('click', () => act(path, {}, b, status));
        actions.append(b);
      }
    } else {
      actions.append(h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Log in to act on this incident'));
    }
    const note = h('form', { class: 'note', 'aria-label': 'Add a note' },
      h('label', { for: 'note-text' }, 'Add a note'),
      h('textarea', { id: 'note-text', name: 'text', rows: 2 }),
      h('button', { type: 'submit' }, 'Add note'));
    note.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = new FormData(note).get('text');
      act('notes', { text }, note.querySelector('button'), status);
    });

    const timeline = h('ol', { class: 'timeline', id: 'timeline' },
      [...inc.timeline].reverse().map((e) => h('li', { class: `entry kind-${e.kind} src-${e.source}` },
        h('div', { class: 'when' }, timeEl(e.at)),
        h('div', { class: 'what' },
          h('span', { class: 'origin' }, origin(e)),
          e.actor && e.actor !== 'system' ? h('span', { class: 'actor' }, ` · ${e.actor}`) : null,
          e.message ? h('p', { class: 'msg' }, e.message) : null))));

    let dep;
    if (deployment && deployment.error) dep = errorBox(deployment.error);
    else if (!deployment || !deployment.deployment) {
      dep = h('p', { class: 'muted', id: 'deployment' }, (deployment && deployment.explanation) ||
        'No deployment is attributed to this incident.');
    } else {
      dep = h('div', { class: 'deployment', id: 'deployment' },
        h('p', {}, h('strong', {}, deployment.deployment), deployment.manual ? ' (set by hand)' : ' (by the attribution rule)'),
        deployment.explanation ? h('p', { class: 'muted' }, deployment.explanation) : null);
    }

    clear(body,
      h('p', { class: 'crumbs' }, h('a', { href: '/incidents' }, '← Incidents')),
      h('div', { class: 'page-head' },
        h('h1', {}, `${inc.id}: ${inc.title}`)),
      h('p', { class: 'tags' }, badge('status', inc.status), ' ', badge('sev', inc.severity), ' ',
        h('span', {}, `urgency ${inc.urgency}`), ' · ', h('span', {}, `services: ${inc.services.join(', ')}`),
        ' · ', h('span', {}, `source: ${sourceName(inc.source)}`),
        inc.synced_with ? [' · ', h('span', { class: 'synced' }, `synced with ${inc.synced_with}`)] : null),
      inc.description ? h('p', { class: 'description' }, inc.description) : null,
      providerLinks(inc),
      actions, status,
      h('section', { 'aria-labelledby': 'sla-h' }, h('h2', { id: 'sla-h' }, 'SLA'),
        h('div', { class: 'sla-row' }, slaClock('Acknowledge', inc.sla.acknowledge, now),
          slaClock('Resolve', inc.sla.resolve, now)),
        inc.sla.policy ? h('p', { class: 'muted' }, `policy: ${inc.sla.policy}`) : null),
      h('section', { 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, 'Details'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Declared'), h('dd', {}, timeEl(inc.created_at), ` by ${inc.created_by}`),
          h('dt', {}, 'Acknowledged'), h('dd', {}, inc.acknowledged_at ? [timeEl(inc.acknowledged_at), ` by ${inc.acknowledged_by}`] : '—'),
          h('dt', {}, 'Resolved'), h('dd', {}, inc.resolved_at ? [timeEl(inc.resolved_at), ` by ${inc.resolved_by}`] : '—'),
          h('dt', {}, 'Closed'), h('dd', {}, inc.closed_at ? [timeEl(inc.closed_at), ` by ${inc.closed_by}`] : '—'),
          h('dt', {}, 'Assignees'), h('dd', {}, inc.assignees.length ? inc.assignees.join(', ') : '—'))),
      h('section', { 'aria-labelledby': 'dep-h' }, h('h2', { id: 'dep-h' }, 'Attributed deployment'), dep),
      h('section', { 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, 'Timeline'),
        logged ? note : null, timeline));
  };

  await load();
  // Every change to an incident adds to its timeline, so its newest entry is where the page's
  // copy stands. A change made after the read but before the stream started has no event:
  // ask for the incident again and redraw if it moved on.
  const after = inc && inc.timeline.length ? Math.max(...inc.timeline.map((e) => e.id)) : undefined;
  const stop = watchIncidents((changed) => {
    if (inc && changed.id === inc.id && changed.version !== inc.version) load();
  }, undefined, {
    after,
    onMissed: async () => {
      try {
        const now = await get(`/api/v1/incidents/${encodeURIComponent(id)}`);
        if (!stopped && inc && now.version !== inc.version) load();
      } catch {
        // Shown by the next change or a reload.
      }
    },
  });
  return () => {
    stopped = true;
    stop();
  };
}
