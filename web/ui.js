// Small DOM helpers shared by the pages: element building (text is always set as text, never
// parsed as HTML; the big lists are built as one HTML string where every value goes through
// esc()), time formatting, and the status/severity badges.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Empties `el` and, like h(), appends the children that are not null/undefined/false
// (the DOM's own append would show them as the text "null").
export function clear(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const fmtCache = new Map();
function formatter(zone) {
  if (!fmtCache.has(zone)) {
    fmtCache.set(zone, new Intl.DateTimeFormat('en-GB', {
      year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit',
      hour12: false, timeZone: zone, timeZoneName: 'short',
    }));
  }
  return fmtCache.get(zone);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n) => String(n).padStart(2, '0');

// "04 Dec 2026, 20:30 UTC+1" in the viewer's own zone, from Date's getters: the first
// Intl.DateTimeFormat with zone names costs ~100 ms of ICU set-up on a loaded machine, which
// every page would pay before drawing its first time.
function fmtLocal(d) {
  const east = -d.getTimezoneOffset();  // minutes east of UTC
  const abs = Math.abs(east);
  const zone = east === 0 ? 'UTC'
    : `UTC${east > 0 ? '+' : '-'}${Math.floor(abs / 60)}${abs % 60 ? `:${pad2(abs % 60)}` : ''}`;
  return `${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad2(d.getHours())}:${pad2(d.getMinutes())} ${zone}`;
}

// A time in the viewer's zone, or in `zone` (an IANA name) when given.
export function fmtTime(iso, zone) {
  if (!iso) return '—';
  const d = new Date(iso);
  return zone ? formatter(zone).format(d) : fmtLocal(d);
}

export function timeEl(iso, zone) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: iso }, fmtTime(iso, zone));
}

// Text for an HTML string: every value a page puts in markup goes through esc() (the markup
// is parsed once for a whole list, far faster than building its thousands of elements).
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// timeEl() and badge() as HTML strings.
export function timeHtml(iso, zone) {
  if (!iso) return '—';
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(fmtTime(iso, zone))}</time>`;
}

export function badgeHtml(kind, value) {
  return `<span class="badge ${esc(kind)}-${esc(String(value).toLowerCase())}">${esc(value)}</span>`;
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const neg = seconds < 0;
  let s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  let out;
  if (d) out = `${d}d ${hh}h`;
  else if (hh) out = `${hh}h ${m}m`;
  else if (m) out = `${m}m ${s}s`;
  else out = `${s}s`;
  return neg ? `-${out}` : out;
}

export function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${String(value).toLowerCase()}` }, value);
}

export const SOURCE_NAMES = {
  im: 'im', pagerduty: 'PagerDuty', opsgenie: 'Opsgenie', incidentio: 'incident.io',
  monitor: 'monitor', events: 'Events API',
};
export function sourceName(s) {
  return SOURCE_NAMES[s] || s;
}

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

// An alert box that shows an API error's message (role=alert, so it is announced).
export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' },
    err && err.message ? err.message : String(err));
}

// The page's URL query as an object of strings, and a way to change it (pushes history).
export function queryOf(url) {
  return Object.fromEntries(new URL(url, location.origin).searchParams.entries());
}

export function withQuery(path, query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// Form fields; `prefix` keeps ids unique when two forms on a page have a field of one name.
export function select(name, label, options, value, prefix = 'f') {
  const id = `${prefix}-${name}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name },
      options.map(([v, text]) => h('option', { value: v, selected: v === (value || '') }, text))));
}

export function input(name, label, value, attrs = {}, prefix = 'f') {
  const id = `${prefix}-${name}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, value: value || '', ...attrs }));
}

// A simple SVG line/bar chart from [{x,label,y}] (no library: a few dozen lines of SVG).
export function barChart(points, { title, unit = '', height = 120 } = {}) {
  const w = Math.max(points.length * 28, 200);
  const max = Math.max(1e-9, ...points.map((p) => p.y || 0));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${height + 20}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}: ${points.map((p) => `${p.label} ${p.y ?? 'none'}${unit}`).join(', ')}`);
  svg.classList.add('chart');
  points.forEach((p, i) => {
    const bh = p.y ? (p.y / max) * height : 0;
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', i * 28 + 4);
    r.setAttribute('y', height - bh);
    r.setAttribute('width', 20);
    r.setAttribute('height', Math.max(bh, p.y ? 1 : 0));
    const t = document.createElementNS(ns, 'title');
    t.textContent = `${p.label}: ${p.y ?? '—'}${unit}`;
    r.append(t);
    svg.append(r);
    if (i % Math.ceil(points.length / 8) === 0) {
      const tx = document.createElementNS(ns, 'text');
      tx.setAttribute('x', i * 28 + 4);
      tx.setAttribute('y', height + 14);
      tx.textContent = p.label;
      svg.append(tx);
    }
  });
  return svg;
}

// Marks the block holding the first text under `root` for the browser's Element Timing API
// (elementtiming="im-first-screen"): the time the browser presents the first frame that shows
// it is the page's first meaningful paint (bench/dashboard reads it). A page marks the data of
// its first screen; app.js marks the page's heading if it marked nothing.
export function markFirstScreen(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT,
    (t) => (t.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP));
  const text = walker.nextNode();
  // The browser times text by the block that holds it: a link's cell, not the link.
  let el = text && text.parentElement;
  while (el && el !== root && INLINE.has(el.tagName)) el = el.parentElement;
  if (el) el.setAttribute('elementtiming', 'im-first-screen');
}

const INLINE = new Set(['A', 'ABBR', 'B', 'CODE', 'EM', 'I', 'SMALL', 'SPAN', 'STRONG', 'TIME']);

// How many rows of a list fill the first screen (a row is at least ~28 px tall; a tile grid
// passes its columns): drawn before the page's first paint, the others right after it.
export function firstScreenRows(perRow = 1) {
  return perRow * Math.max(20, Math.ceil(window.innerHeight / 28));
}

const pendingRows = new WeakMap();

// Fills `parent` with one element per item, as HTML (`html(item)`, every value escaped):
// with a page's ctx, the items that fit on the first screen now and the rest once that is
// painted (ctx.afterFirstPaint), their HTML made only then; without, all at once. A later
// fill (a live update) replaces both.
export function fillRows(parent, items, ctx, { html = (x) => x, perRow = 1 } = {}) {
  const n = ctx ? firstScreenRows(perRow) : items.length;
  parent.innerHTML = items.slice(0, n).map(html).join('');
  if (ctx) markFirstScreen(parent);
  const token = {};
  pendingRows.set(parent, token);
  if (items.length > n) {
    ctx.afterFirstPaint(() => {
      if (pendingRows.get(parent) === token) {
        parent.insertAdjacentHTML('beforeend', items.slice(n).map(html).join(''));
      }
    });
  }
}
