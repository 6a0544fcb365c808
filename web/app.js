// The dashboard's router: every page has its own URL (filters and sort in the query), links
// change pages without reloading, and the back button works. Each page module exports
// render(main, ctx) and may return a function that stops what it started (live updates).
// render resolves once the page's first screenful is drawn; what it leaves for after that is
// shown (the rows of a long list below the fold) it hands to ctx.afterFirstPaint. The page
// is ready (main[data-ready=true]) when those are done too.
import { loadSession, currentSession, logout } from './api.js';
import { h, clear, toast, markFirstScreen } from './ui.js';

const routes = [
  [/^\/(incidents)?$/, 'incidents', () => import('./pages/incidents.js')],
  [/^\/incidents\/([^/]+)$/, 'incidents', () => import('./pages/incident.js')],
  [/^\/oncall$/, 'oncall', () => import('./pages/oncall.js')],
  [/^\/dora$/, 'dora', () => import('./pages/dora.js')],
  [/^\/monitors$/, 'monitors', () => import('./pages/monitors.js')],
  [/^\/integrations$/, 'integrations', () => import('./pages/integrations.js')],
  [/^\/login$/, '', () => import('./pages/login.js')],
];

let stopPage = null;
let generation = 0;

function renderWho() {
  const who = clear(document.getElementById('who'));
  const s = currentSession();
  if (s) {
    who.append(h('span', { class: 'actor' }, s.actor), ' ',
      h('button', {
        type: 'button', class: 'link', onclick: async () => {
          await logout();
          renderWho();
          toast('Logged out');
          route();
        },
      }, 'Log out'));
  } else {
    const next = location.pathname + location.search;
    who.append(h('a', { href: `/login?next=${encodeURIComponent(next)}` }, 'Log in'));
  }
}

export async function route() {
  const gen = ++generation;
  if (stopPage) {
    stopPage();
    stopPage = null;
  }
  const path = location.pathname;
  const main = document.getElementById('main');
  let match = null;
  for (const [re, nav, load] of routes) {
    const m = path.match(re);
    if (m) {
      match = { m, nav, load };
      break;
    }
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (match && a.dataset.nav === match.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!match) {
    clear(main).append(h('h1', {}, 'Not found'), h('p', {}, 'No such page. ',
      h('a', { href: '/incidents' }, 'See the incidents.')));
    return;
  }
  // The session is asked for alongside the page's own data, not before it: a page awaits
  // ctx.session only where it shows what a logged-in person may do.
  const session = loadSession();
  const mod = await match.load();
  if (gen !== generation) return;
  // What a page leaves for after its first screenful is painted (ctx.afterFirstPaint).
  const later = [];
  const ctx = {
    params: match.m.slice(1),
    query: Object.fromEntries(new URLSearchParams(location.search).entries()),
    navigate,
    refreshWho: renderWho,
    session,
    afterFirstPaint: (fn) => later.push(fn),
  };
  clear(main);
  const stop = await mod.render(main, ctx);
  await session;
  if (gen !== generation) {
    if (stop) stop();
    return;
  }
  renderWho();
  stopPage = stop || null;
  document.body.dataset.page = match.nav || 'login';
  if (!main.querySelector('[elementtiming]')) {
    const heading = main.querySelector('h1');
    if (heading) markFirstScreen(heading);
  }
  performance.mark('im-page-ready');
  // The page's first screenful is in the DOM; the frame that shows it is laid out and painted
  // next. A requestAnimationFrame callback runs just before that frame's layout and paint, and
  // a task it posts runs after them: that is the first meaningful paint. Then the rest of the
  // page (a long list's rows below the fold) is drawn, and the page is ready.
  const firstScreen = main.querySelector('[elementtiming]');
  await afterNextFrame();
  if (gen !== generation) return;
  performance.mark('im-page-painted');
  // The browser still has to raster and present that frame; drawing the rest now would compete
  // with it for the CPU, so the rest waits until the frame is shown.
  if (later.length) await shown(firstScreen);
  if (gen !== generation) return;
  for (const fn of later) {
    try {
      await fn();
    } catch (err) {
      console.error(err);  // the others still run
    }
  }
  if (gen !== generation) return;
  main.dataset.ready = 'true';
  await afterNextFrame();
  if (gen === generation) performance.mark('im-page-complete');
}

// Called once the main thread has painted the frame showing `el`: resolves when the browser
// has presented that frame (its Element Timing entry), or 100 ms later if no entry comes by
// then (the element was not painted). At once in a browser without Element Timing (Firefox)
// and in a hidden tab.
function shown(el) {
  if (!el || document.hidden || !PerformanceObserver.supportedEntryTypes?.includes('element')) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let done = false;
    const obs = new PerformanceObserver((list) => {
      if (list.getEntries().some((e) => e.element === el)) finish();
    });
    function finish() {
      if (done) return;
      done = true;
      obs.disconnect();
      resolve();
    }
    obs.observe({ type: 'element', buffered: true });
    setTimeout(finish, 100);
  });
}

// Resolves once the next frame is painted (at once in a hidden tab, which paints no frames).
function afterNextFrame() {
  if (document.hidden) return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => requestAnimationFrame(() => {
    const c = new MessageChannel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(null);
  }));
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  document.getElementById('main').dataset.ready = 'false';
  route();
  document.getElementById('main').focus({ preventScroll: true });
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') ||
      url.pathname.startsWith('/assets/') || a.target) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});
window.addEventListener('popstate', () => route());
route();
