// The one way the dashboard talks to im: the documented /api/v1 (see /api/openapi.json).
// Reads need no login; writes use the session cookie (HttpOnly, set by POST /api/v1/sessions)
// and send the session's CSRF token back in X-CSRF-Token.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let session = null; // {actor, csrf_token, expires_at} when logged in
let sessionLoaded = null;

export function currentSession() {
  return session;
}

// Asks the server once whether this browser has a session.
export function loadSession() {
  if (!sessionLoaded) {
    sessionLoaded = request('GET', '/api/v1/sessions/current')
      .then((s) => (session = s))
      .catch(() => (session = null));
  }
  return sessionLoaded;
}

export async function login(token) {
  session = await request('POST', '/api/v1/sessions', { token });
  sessionLoaded = Promise.resolve(session);
  return session;
}

export async function logout() {
  await request('DELETE', '/api/v1/sessions/current');
  session = null;
  sessionLoaded = Promise.resolve(null);
}

// The answers to the page's first reads, sent inside the shell (dashboard.cc ServePage):
// {"<url>": {status, body}}. Each is used once, by the first GET of its URL; later reads (a new
// filter, a refresh) ask the server.
let firstReads = null;

function takeFirstRead(path) {
  if (!firstReads) {
    firstReads = {};
    const block = document.getElementById('im-first-reads');
    if (block) {
      try {
        firstReads = JSON.parse(block.textContent);
      } catch {
        firstReads = {};  // the reads go to the server instead
      }
      block.remove();
    }
  }
  const answer = firstReads[path];
  if (!answer) return null;
  delete firstReads[path];
  return answer;
}

export async function request(method, path, body, { signal } = {}) {
  if (method === 'GET') {
    const answer = takeFirstRead(path);
    if (answer) return answered(method, path, answer.status, answer.body);
  }
  // No Accept header: a GET must match the shell's `Link: rel=preload` request for the same
  // URL (sent without one; dashboard.cc ServePage) for the browser to use the preloaded answer.
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session) headers['X-CSRF-Token'] = session.csrf_token;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'unavailable', `cannot reach im: ${e.message}`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  return answered(method, path, res.status, data, text);
}

// The data of an answer, or an ApiError with the server's message.
function answered(method, path, status, data, text) {
  if (status < 200 || status > 299) {
    const err = data && data.error ? data.error : {};
    // This server needs a login to read (http.reads_need_login): go and log in, then come back.
    if (status === 401 && method === 'GET' && !path.startsWith('/api/v1/sessions') &&
        location.pathname !== '/login') {
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    throw new ApiError(status, err.code || 'error',
      err.message || `${status} ${text === undefined ? JSON.stringify(data) : text}`);
  }
  return data;
}

export const get = (path, opts) => request('GET', path, undefined, opts);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);

// Live incident changes (GET /api/v1/events, server-sent events). `onChange(incident)` is
// called for each changed incident. The stream starts from now; `after` (the events_after of
// the list the page drew) is where the page's data stands: when the stream starts later than
// that, something changed in between that no event will bring, and `onMissed()` is called
// (the page reads its data again). Returns a function that stops listening.
export function watchIncidents(onChange, onState, { after, onMissed } = {}) {
  const source = new EventSource('/api/v1/events');
  let seen = Number.isInteger(after) ? after : null;
  source.addEventListener('incident', (e) => {
    const data = JSON.parse(e.data);
    if (e.lastEventId) seen = Number(e.lastEventId);
    onChange(data.incident);
  });
  // A `ready` event's id is the stream's position as it starts.
  source.addEventListener('ready', (e) => {
    const at = Number(e.lastEventId);
    if (onMissed && seen !== null && at > seen) onMissed();
    seen = at;
  });
  source.addEventListener('ready', () => onState && onState('live'));
  source.onopen = () => onState && onState('live');
  source.onerror = () => onState && onState(source.readyState === 2 ? 'offline' : 'live');
  return () => source.close();
}
