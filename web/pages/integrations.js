// Integrations: each connector's health (sync lag, last webhook, error rate, rate-limit budget,
// outbox), with buttons to test it and to queue its parked changes again.
import { get, post, currentSession } from '../api.js';
import {
  h, clear, errorBox, timeEl, fmtDuration, badge, toast, markFirstScreen,
} from '../ui.js';

function connectorCard(c, refresh) {
  const out = h('div', { class: 'result', 'aria-live': 'polite' });
  const logged = currentSession();
  const test = h('button', { type: 'button', 'data-action': 'test' }, 'Test connection');
  test.addEventListener('click', async () => {
    clear(out);
    test.disabled = true;
    try {
      const r = await post(`/api/v1/connectors/${encodeURIComponent(c.name)}/test`);
      out.append(h('ul', { class: 'checks' }, r.checks.map((k) => h('li', {}, k.ok ? '✓ ' : '✗ ', h('strong', {}, k.name), `: ${k.detail}`))));
    } catch (err) {
      out.append(errorBox(err));
    } finally {
      test.disabled = false;
    }
  });
  const retry = h('button', { type: 'button', 'data-action': 'retry', disabled: !c.outbox.parked }, `Retry ${c.outbox.parked} parked`);
  retry.addEventListener('click', async () => {
    clear(out);
    try {
      const r = await post(`/api/v1/connectors/${encodeURIComponent(c.name)}/retry-parked`);
      toast(`${r.requeued} change(s) queued again`);
      refresh();
    } catch (err) {
      out.append(errorBox(err));
    }
  });
  const m = c.metrics || {};
  return h('section', { class: 'card', id: `connector-${c.name}`, 'aria-label': `Connector ${c.name}` },
    h('h2', {}, c.name, ' ', badge('state', c.status === 'healthy' ? 'ok' : c.status)),
    h('p', { class: 'muted' }, `${c.type} · ${c.sync_direction || ''}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Sync lag'), h('dd', {}, c.sync_lag_seconds === undefined ? 'never synced' : fmtDuration(c.sync_lag_seconds)),
      h('dt', {}, 'Last webhook'), h('dd', {}, timeEl(c.last_webhook_at)),
      h('dt', {}, 'Error rate (24h)'), h('dd', {}, `${((c.error_rate_24h || 0) * 100).toFixed(1)}%`),
      h('dt', {}, 'Rate-limit budget used'), h('dd', {}, m.rate_limit_usage === undefined ? '—' : `${(m.rate_limit_usage * 100).toFixed(0)}% of ${m.rate_limit_per_minute}/min`),
      h('dt', {}, 'Outbox'), h('dd', {}, `${c.outbox.pending} pending, ${c.outbox.parked} parked, ${c.outbox.sent_24h} sent in 24h`),
      h('dt', {}, 'Incidents linked'), h('dd', {}, c.incidents_linked),
      c.last_error ? [h('dt', {}, 'Last error'), h('dd', {}, c.last_error)] : null),
    logged ? h('div', { class: 'actions' }, test, retry) : h('p', { class: 'hint' }, h('a', { href: '/login?next=/integrations' }, 'Log in'), ' to test or retry.'),
    out);
}

export async function render(main, ctx) {
  main.append(h('h1', {}, 'Integrations'));
  const holder = h('div', { class: 'cards', id: 'connectors' });
  main.append(holder);
  const refresh = async () => {
    try {
      const [r] = await Promise.all([get('/api/v1/connectors'), ctx.session]);
      clear(holder);
      if (!r.connectors.length) holder.append(h('p', { class: 'muted' }, 'No connectors: add one with ', h('code', {}, 'im connector add'), '.'));
      for (const c of r.connectors) holder.append(connectorCard(c, refresh));
    } catch (err) {
      clear(holder).append(errorBox(err));
    }
  };
  await refresh();
  markFirstScreen(holder);
  return null;
}
