// The incident.io requests the conformance test makes: every read `im` uses and the incident
// writes, each validated against specs/incident-io/openapi3.json (which documents 2xx only).
'use strict';

const { fixturePath } = require('./sim_process');

const KEY = 'conformance-key';
// --spec-enums-only: the generated status with a category the document does not list yet (which
// the connector's tests use) would fail the document's enum; everything else is validated.
const ARGS = ['--api-key', KEY, '--seed', '7', '--incidents', '120', '--days', '30',
  '--spec-enums-only'];

async function run(t) {
  const auth = { Authorization: `Bearer ${KEY}` };
  const get = (template, url) => t.check('api', 'GET', template, url, { headers: auth, status: 200 });
  const post = (template, url, body) => t.check('api', 'POST', template, url, {
    headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body), status: 200,
  });

  const page = await get('/v2/incidents', '/v2/incidents?page_size=50');
  await get('/v2/incidents', `/v2/incidents?page_size=50&after=${page.pagination_meta.after}`);
  await get('/v2/incidents', '/v2/incidents?status_category[one_of]=closed&sort_by=created_at_oldest_first');
  const id = page.incidents[0].id;
  await get('/v2/incidents/{id}', `/v2/incidents/${id}`);
  await get('/v2/incident_updates', `/v2/incident_updates?incident_id=${id}`);
  await get('/v2/incident_updates', '/v2/incident_updates?page_size=100');
  const severities = await get('/v1/severities', '/v1/severities');
  const statuses = await get('/v1/incident_statuses', '/v1/incident_statuses');
  const users = await get('/v2/users', '/v2/users?page_size=5');
  await get('/v2/users/{id}', `/v2/users/${users.users[0].id}`);
  const schedules = await get('/v2/schedules', '/v2/schedules');
  const sid = schedules.schedules[1].id;
  await get('/v2/schedules/{id}', `/v2/schedules/${sid}`);
  const start = new Date(Date.now() - 120 * 86400e3).toISOString();
  const entries = await get('/v2/schedule_entries',
    `/v2/schedule_entries?schedule_id=${sid}&entry_window_start=${start}`);
  if (entries.pagination_meta) {
    await get('/v2/schedule_entries',
      `/v2/schedule_entries?schedule_id=${sid}&entry_window_start=${entries.pagination_meta.after}`);
  }
  const created = await post('/v2/incidents', '/v2/incidents', {
    idempotency_key: 'conformance-1', visibility: 'public', name: 'Conformance',
    severity_id: severities.severities[0].id,
  });
  const closed = statuses.incident_statuses.find((s) => s.category === 'closed');
  await post('/v2/incidents/{id}/actions/edit', `/v2/incidents/${created.incident.id}/actions/edit`,
    { incident: { incident_status_id: closed.id }, notify_incident_channel: false });
  await get('/v2/escalation_paths', '/v2/escalation_paths?page_size=25');
  const types = await get('/v2/catalog_types', '/v2/catalog_types');
  await get('/v2/catalog_entries', `/v2/catalog_entries?catalog_type_id=${types.catalog_types[0].id}`);
  // The filters an incremental sync uses.
  const day = new Date(Date.now() - 7 * 86400e3).toISOString().slice(0, 10);
  await get('/v2/incidents', `/v2/incidents?updated_at[gte]=${day}&page_size=250`);
  await get('/v2/incidents', `/v2/incidents?created_at[date_range]=${day}~${day}`);
  await get('/v2/incidents', `/v2/incidents?severity[gte]=${severities.severities[1].id}`);
}

// The shipped fixture instead of the generated organisation: every object it produces, read back.
async function runFixture(t) {
  const auth = { Authorization: `Bearer ${KEY}` };
  const get = (template, url) => t.check('api', 'GET', template, url, { headers: auth, status: 200 });
  const page = await get('/v2/incidents', '/v2/incidents?page_size=100');
  for (const inc of page.incidents) await get('/v2/incidents/{id}', `/v2/incidents/${inc.id}`);
  await get('/v2/incident_updates', '/v2/incident_updates?page_size=100');
  await get('/v1/severities', '/v1/severities');
  await get('/v1/incident_statuses', '/v1/incident_statuses');
  await get('/v2/users', '/v2/users');
  const schedules = await get('/v2/schedules', '/v2/schedules');
  const sid = schedules.schedules[0].id;
  await get('/v2/schedules/{id}', `/v2/schedules/${sid}`);
  await get('/v2/schedule_entries', `/v2/schedule_entries?schedule_id=${sid}`);
}

module.exports = { provider: 'incidentio', args: ARGS, run,
  fixture: { args: ['--api-key', KEY, '--fixture', fixturePath('incidentio.json')], run: runFixture },
  specs: { api: 'incident-io/openapi3.json' } };
