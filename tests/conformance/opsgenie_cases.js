// The Opsgenie requests the conformance test makes: the Alert, Incident, Schedule, Escalation,
// Team and User reads, next on-calls and the .ics exports, the asynchronous writes with their
// request statuses, and the documented errors (402 without the Incident API, 403 of a
// team-scoped key), each validated against specs/opsgenie/swagger.json (Swagger 2.0, converted
// by the validator), with the response headers the document lists (X-Request-ID,
// X-Response-Time, X-RateLimit-*, X-Paging-*). Incident resolve, notes and logs, the incident
// timeline, and 404/405 for paths the document does not have are not in that document
// (providers.md §4.4), so the C++ tests cover them.
'use strict';

const { fixturePath, startSimulator } = require('./sim_process');

const KEY = 'conformance-key';
const ARGS = ['--api-key', KEY, '--api-key', 'ro-key:read-only', '--seed', '7',
  '--incidents', '300', '--days', '30'];

async function run(t) {
  const auth = { Authorization: `GenieKey ${KEY}` };
  const get = (template, url, status = 200, headers = auth) =>
    t.check('api', 'GET', template, url, { headers, status });
  const send = (method, template, url, body, status, headers = auth) =>
    t.check('api', method, template, url, {
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      status,
    });
  const path = (link) => link.slice(link.indexOf('/v'));

  // Alerts.
  const page = await get('/v2/alerts', '/v2/alerts?limit=50');
  await get('/v2/alerts', path(page.paging.next));
  await get('/v2/alerts', '/v2/alerts?query=status%3Aopen&sort=updatedAt&order=asc');
  await get('/v2/alerts/count', '/v2/alerts/count?query=status%3Aclosed');
  const alert = page.data.find((a) => a.report && a.report.closeTime) || page.data[0];
  await get('/v2/alerts/{identifier}', `/v2/alerts/${alert.id}`);
  await get('/v2/alerts/{identifier}', `/v2/alerts/${alert.tinyId}?identifierType=tiny`);
  await get('/v2/alerts/{identifier}/logs', `/v2/alerts/${alert.id}/logs?limit=5&order=asc`);
  await get('/v2/alerts/{identifier}/notes', `/v2/alerts/${alert.id}/notes`);

  const created = await send('POST', '/v2/alerts', '/v2/alerts', {
    message: 'Conformance', alias: 'conformance-1', priority: 'P2', tags: ['sim'],
    details: { k: 'v' }, responders: [{ type: 'team', name: 'Platform' }],
  }, 202);
  const status = await get('/v2/alerts/requests/{requestId}',
    `/v2/alerts/requests/${created.requestId}`);
  const id = status.data.alertId;
  const action = (suffix, body) => send('POST', `/v2/alerts/{identifier}/${suffix}`,
    `/v2/alerts/${id}/${suffix}`, body, 202);
  await action('acknowledge', { user: 'ada.lovelace@example.com', note: 'on it' });
  await action('unacknowledge', {});
  await action('notes', { note: 'still looking' });
  await send('POST', '/v2/alerts/{identifier}/close', '/v2/alerts/conformance-1/close?identifierType=alias',
    {}, 202);
  await send('DELETE', '/v2/alerts/{identifier}', `/v2/alerts/${id}`, undefined, 202);

  // Incidents.
  const incidents = await get('/v1/incidents/', '/v1/incidents/?query=status%3Aopen&limit=20');
  const all = await get('/v1/incidents/', '/v1/incidents/?query=createdAt%3E0&sort=tinyId&order=asc');
  const incident = (incidents.data[0] || all.data[0]);
  await get('/v1/incidents/{identifier}', `/v1/incidents/${incident.id}`);
  const state = await (await fetch(`${t.url}/_sim/state`)).json();
  const inc = await send('POST', '/v1/incidents/create', '/v1/incidents/create', {
    message: 'Conformance incident', serviceId: state.services[0].id, priority: 'P1',
  }, 202);
  const incStatus = await get('/v1/incidents/requests/{requestId}',
    `/v1/incidents/requests/${inc.requestId}`);
  await send('POST', '/v1/incidents/{identifier}/close',
    `/v1/incidents/${incStatus.data.incidentId}/close`, { note: 'done' }, 202);
  await send('DELETE', '/v1/incidents/{identifier}', `/v1/incidents/${incStatus.data.incidentId}`,
    undefined, 202);

  // Schedules.
  const schedules = await get('/v2/schedules', '/v2/schedules');
  await get('/v2/schedules', '/v2/schedules?expand=rotation');
  const sid = schedules.data[0].id;
  await get('/v2/schedules/{identifier}', `/v2/schedules/${sid}`);
  await get('/v2/schedules/{identifier}',
    `/v2/schedules/${encodeURIComponent(schedules.data[1].name)}?identifierType=name`);
  await get('/v2/schedules/{identifier}/rotations', `/v2/schedules/${sid}/rotations`);
  await get('/v2/schedules/{identifier}/timeline',
    `/v2/schedules/${sid}/timeline?expand=base,override,forwarding&interval=2&intervalUnit=weeks`);
  await get('/v2/schedules/{identifier}/timeline',
    `/v2/schedules/${schedules.data[1].id}/timeline?intervalUnit=months`);
  await get('/v2/schedules/{identifier}/on-calls', `/v2/schedules/${sid}/on-calls`);
  await get('/v2/schedules/{identifier}/on-calls', `/v2/schedules/${sid}/on-calls?flat=true`);
  await get('/v2/schedules/on-calls', '/v2/schedules/on-calls');
  await get('/v2/schedules/{identifier}/next-on-calls', `/v2/schedules/${sid}/next-on-calls`);
  await get('/v2/schedules/{identifier}/next-on-calls',
    `/v2/schedules/${sid}/next-on-calls?flat=true`);
  await get('/v2/schedules/{identifier}.ics', `/v2/schedules/${sid}.ics`);
  const oncall = await get('/v2/schedules/{identifier}/on-calls', `/v2/schedules/${sid}/on-calls`);
  const person = (oncall.data.onCallParticipants || [])[0];
  if (person) {
    await get('/v2/schedules/on-calls/{identifier}.ics',
      `/v2/schedules/on-calls/${encodeURIComponent(person.name)}.ics`);
  }
  await get('/v2/schedules/{identifier}/overrides', `/v2/schedules/${sid}/overrides`);
  const start = new Date(Date.now() + 86400e3).toISOString();
  const end = new Date(Date.now() + 2 * 86400e3).toISOString();
  await send('POST', '/v2/schedules/{identifier}/overrides', `/v2/schedules/${sid}/overrides`, {
    alias: 'conformance', user: { type: 'user', username: 'grace.hopper@example.com' },
    startDate: start, endDate: end,
  }, 201);
  await get('/v2/schedules/{identifier}/overrides/{alias}',
    `/v2/schedules/${sid}/overrides/conformance`);
  await send('DELETE', '/v2/schedules/{identifier}/overrides/{alias}',
    `/v2/schedules/${sid}/overrides/conformance`, undefined, 200);
  await send('POST', '/v2/schedules', '/v2/schedules', {
    name: 'conformance', timezone: 'Europe/Berlin', rotations: [{
      type: 'weekly', startDate: '2026-01-05T09:00:00Z',
      participants: [{ type: 'user', username: 'ada.lovelace@example.com' }, { type: 'none' }],
      timeRestriction: { type: 'weekday-and-time-of-day', restrictions: [
        { startDay: 'monday', startHour: 9, startMin: 0, endDay: 'friday', endHour: 17, endMin: 0 }] },
    }],
  }, 201);

  // Escalations, teams, users.
  const escalations = await get('/v2/escalations', '/v2/escalations');
  await get('/v2/escalations/{identifier}', `/v2/escalations/${escalations.data[0].id}`);
  const teams = await get('/v2/teams', '/v2/teams');
  await get('/v2/teams/{identifier}', `/v2/teams/${teams.data[0].name}?identifierType=name`);
  const users = await get('/v2/users', '/v2/users?limit=5&offset=5');
  await get('/v2/users', '/v2/users?sortField=insertedAt&order=desc&query=role%3AAdmin');
  await get('/v2/users/{identifier}', `/v2/users/${users.data[0].username}`);

  // Documented errors.
  await get('/v2/alerts', '/v2/alerts', 401, {});
  await send('POST', '/v2/alerts', '/v2/alerts', { message: 'x' }, 403,
    { Authorization: 'GenieKey ro-key' });
  await get('/v2/alerts/{identifier}', '/v2/alerts/no-such-alert', 404);
  await get('/v2/alerts/requests/{requestId}', '/v2/alerts/requests/no-such-request', 404);
  await send('POST', '/v2/alerts', '/v2/alerts', { priority: 'P1' }, 422);
  await t.check('api', 'POST', '/v2/alerts', '/v2/alerts', {
    headers: { ...auth, 'Content-Type': 'application/json' }, body: '{not json', status: 400,
  });
  await get('/v2/alerts', '/v2/alerts?limit=500', 422);
  await get('/v1/incidents/', '/v1/incidents/', 422);
  await get('/v2/schedules/{identifier}', '/v2/schedules/no-such-schedule', 404);
  await get('/v2/schedules/{identifier}.ics', '/v2/schedules/no-such-schedule.ics', 404);

  // A plan without the Incident API.
  const knobs = (patch) => fetch(`${t.url}/_sim/knobs`, { method: 'PATCH', body: JSON.stringify(patch) });
  await knobs({ incident_api: false });
  await get('/v1/incidents/', '/v1/incidents/?query=status%3Aopen', 402);
  await get('/v1/incidents/{identifier}', `/v1/incidents/${incident.id}`, 402);
  await knobs({ incident_api: true });

  // A team-scoped key: another team's objects are refused with code 40301.
  const [mine, other] = state.teams;
  await fetch(`${t.url}/_sim/api_keys`, { method: 'POST',
    body: JSON.stringify({ key: 'team-key', team: mine.id }) });
  const teamAuth = { Authorization: 'GenieKey team-key' };
  await get('/v2/alerts', '/v2/alerts?limit=100', 200, teamAuth);
  const foreign = (await get('/v2/alerts', '/v2/alerts?limit=100')).data.find(
    (a) => a.ownerTeamId === other.id);
  if (foreign) await get('/v2/alerts/{identifier}', `/v2/alerts/${foreign.id}`, 403, teamAuth);
  const foreignSchedule = schedules.data.find((s) => s.ownerTeam && s.ownerTeam.id === other.id);
  if (foreignSchedule) {
    await get('/v2/schedules/{identifier}', `/v2/schedules/${foreignSchedule.id}`, 403, teamAuth);
  }

  // Throttling by delay: the held request says THROTTLED with its reason and period.
  await knobs({ throttle_by_delay: true });
  for (let i = 0; i < 18; i++) await get('/v2/alerts/count', '/v2/alerts/count');
  await knobs({ throttle_by_delay: false, rate_limit: false });
  await knobs({ rate_limit: true, burst_429: 1 });
  await get('/v2/alerts', '/v2/alerts', 429);

  await checkRegions();
}

// `im sim opsgenie --region eu` beside the US one: a key bound to a region works only there.
async function checkRegions() {
  const eu = await startSimulator(process.env.IM_BINARY, 'opsgenie',
    ['--region', 'eu', '--seed', '7', '--incidents', '10']);
  try {
    const state = await (await fetch(`${eu.url}/_sim/state`)).json();
    if (state.region !== 'eu') throw new Error(`--region eu serves region ${state.region}`);
    for (const [key, region] of [['eu-key', 'eu'], ['us-key', 'us']]) {
      await fetch(`${eu.url}/_sim/api_keys`, { method: 'POST', body: JSON.stringify({ key, region }) });
    }
    const status = async (key) => (await fetch(`${eu.url}/v2/alerts`,
      { headers: { Authorization: `GenieKey ${key}` } })).status;
    const got = [await status('eu-key'), await status('us-key')];
    if (got[0] !== 200 || got[1] !== 401) {
      throw new Error(`EU simulator: eu-key → ${got[0]} (want 200), us-key → ${got[1]} (want 401)`);
    }
  } finally {
    eu.stop();
  }
}

// X-RateLimit-Reason and -Period-In-Sec are sent only with X-RateLimit-State THROTTLED; the
// X-Paging-Next/-Prev links only where there is a next or previous page.
function optionalHeader(name, headers) {
  if (name === 'x-ratelimit-reason' || name === 'x-ratelimit-period-in-sec') {
    return headers.get('x-ratelimit-state') !== 'THROTTLED';
  }
  return name === 'x-paging-next' || name === 'x-paging-prev';
}

// The shipped fixture instead of the generated account: every object it produces, read back.
async function runFixture(t) {
  const auth = { Authorization: `GenieKey ${KEY}` };
  const get = (template, url) => t.check('api', 'GET', template, url, { headers: auth, status: 200 });
  const alerts = await get('/v2/alerts', '/v2/alerts?limit=100');
  for (const alert of alerts.data) {
    await get('/v2/alerts/{identifier}', `/v2/alerts/${alert.id}`);
    await get('/v2/alerts/{identifier}/logs', `/v2/alerts/${alert.id}/logs`);
  }
  const incidents = await get('/v1/incidents/', '/v1/incidents/?query=createdAt%3E0&limit=100');
  for (const inc of incidents.data) await get('/v1/incidents/{identifier}', `/v1/incidents/${inc.id}`);
  const schedules = await get('/v2/schedules', '/v2/schedules?expand=rotation');
  await get('/v2/schedules/{identifier}/timeline', `/v2/schedules/${schedules.data[0].id}/timeline`);
  await get('/v2/schedules/{identifier}/on-calls', `/v2/schedules/${schedules.data[0].id}/on-calls`);
  await get('/v2/escalations', '/v2/escalations');
  await get('/v2/teams', '/v2/teams');
  await get('/v2/users', '/v2/users');
}

module.exports = { provider: 'opsgenie', args: ARGS, run, specs: { api: 'opsgenie/swagger.json' },
  checkHeaders: true, optionalHeader,
  fixture: { args: ['--api-key', KEY, '--fixture', fixturePath('opsgenie.json')], run: runFixture } };
