// The dashboard: log in, list what the daemon holds (live), create/open/close, events and mutexes, what the
// OS has, and the hex view of one mapping. Every name and text goes into the page as text, never as HTML.

import { KINDS, Problem, Stream, call, collectionPath, get, hasSession, login, logout, objectPath, post, renew, whenUnauthorized } from './api.js';
import { duration, freshness, parseSize, printable, size } from './bytes.js';
import { Chart } from './chart.js';
import { FieldsPane } from './fields.js';
import { HexView } from './hexview.js';
import { Recordings } from './recordings.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;

const state = {
  loggedIn: false,
  windows: false,
  leases: new Map(), // mutex name → lease id, for the mutexes this page acquired
  signals: new Map(), // event name → signals seen since the page opened
  eventsKey: '',
  eventStream: null,
  viewStatus: '',
  pollFailed: false,
  os: { objects: [], truncated: false, page: 0 }, // what the OS has; a page of it is shown
};

// ---- messages and the connection indicator

function showMessage(title, detail, kind = 'error') {
  const m = $('message');
  m.dataset.kind = kind;
  $('message-title').textContent = title;
  $('message-detail').textContent = detail;
  m.hidden = false;
}

function showError(err) {
  if (err instanceof Problem) showMessage(err.title, err.detail);
  else showMessage('Error', err.message || String(err));
}

function setConn() {
  const c = $('conn');
  let s = state.viewStatus || 'live';
  if (state.pollFailed) s = 'offline';
  const text = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', paused: 'paused', ended: 'stream ended', offline: 'daemon unreachable' };
  c.dataset.state = s;
  c.textContent = text[s] || s;
}

const view = new HexView($('view'), {
  error: showError,
  note: (s) => showMessage('', s, 'note'),
  status: (s) => {
    state.viewStatus = s;
    setConn();
  },
  fieldAt: (off) => fields.fieldAt(off),
  cursor: (off) => fields.mark(fields.fieldAt(off)?.path),
});

const note = (s) => showMessage('', s, 'note');
const chart = new Chart($('chart-pane'), { note });
const fields = new FieldsPane($('fields'), {
  error: showError,
  note,
  editing: () => view.editing(),
  select: (off, n) => view.selectRange(off, n),
  fields: (f) => view.setFields(f),
  pins: (paths) => chart.setPaths(paths),
  values: (leaves, at) => chart.push(leaves, at),
});

const recordings = new Recordings($('recordings'), {
  error: showError,
  note,
  inView: () => (view.name ? { name: view.name, layout: fields.layout || '' } : null),
  button,
  actions,
  setName,
});

/** Opens a mapping: its bytes in the hex view, its fields (by its default layout) in the Fields pane. */
function openView(m) {
  view.show(m);
  chart.setPaths([]);
  fields.show(m);
}

/** Closes the view of the mapping, its fields and its chart. */
function closeView() {
  view.close();
  fields.close();
  chart.setPaths([]);
  $('view').hidden = true;
  $('fields').hidden = true;
  state.viewStatus = '';
}

// ---- login

function showLogin(why) {
  state.loggedIn = false;
  $('main').hidden = true;
  $('conn').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  if (why) $('login-why').textContent = why;
  $('login-token').focus();
}

whenUnauthorized(() =>
  showLogin(state.loggedIn || hasSession()
    ? 'The session ended (it expired, was logged out, or the daemon now has another token): log in again.'
    : 'The API answered 401: this tab is not logged in.'));

// The form posts the token (never in a URL: the address bar and the history would keep it) for a session that
// only this tab holds.
$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    await login({ token: $('login-token').value.trim() });
  } catch (err) {
    showLogin(err.detail || err.message);
    return;
  }
  $('login-form').reset();
  poll();
});

$('logout').addEventListener('click', async () => {
  try {
    await logout();
  } finally {
    stopStreams();
    showLogin('Logged out: this tab holds no session any more.');
  }
});

// ---- tables

/** Keeps one row per name in tbody (so a row's flash survives a refresh); fill(tr, item) fills its cells. */
function syncRows(tbody, items, cols, fill) {
  const old = new Map([...tbody.rows].map((tr) => [tr.dataset.name, tr]));
  const rows = items.map((it) => {
    let tr = old.get(it.name);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.name = it.name;
      for (let i = 0; i < cols; i++) tr.append(document.createElement('td'));
    }
    fill(tr, it);
    return tr;
  });
  tbody.replaceChildren(...rows);
}

function button(label, action, cls) {
  const b = document.createElement('button');
  b.textContent = label;
  if (cls) b.className = cls;
  b.dataset.action = label.toLowerCase();
  b.addEventListener('click', async () => {
    try {
      await action();
      await refresh();
    } catch (err) {
      showError(err);
    }
  });
  return b;
}

/** Puts these buttons (or texts) in td, unless the same ones are there already (a click in progress keeps its
 * button). */
function actions(td, ...nodes) {
  const key = nodes.map((n) => n.textContent).join('|');
  if (td.dataset.key !== key) {
    td.dataset.key = key;
    td.replaceChildren(...nodes);
  }
}

/** Puts a name in a cell: as text (never HTML), escaped where it could pass for another, with a line break
 * allowed after each backslash (Local\ | Telemetry), never inside a word. */
function setName(td, name) {
  if (td.dataset.n === name) return;
  td.dataset.n = name;
  const parts = printable(name).split('\\');
  const nodes = [];
  parts.forEach((p, i) => {
    nodes.push(document.createTextNode(i < parts.length - 1 ? p + '\\' : p));
    if (i < parts.length - 1) nodes.push(document.createElement('wbr'));
  });
  td.replaceChildren(...nodes);
}

const since = (t) => duration(Math.max(0, Math.round((Date.now() - Date.parse(t)) / 1000)));

function fillMapping(tr, m) {
  const c = tr.cells;
  setName(c[0], m.name);
  c[1].textContent = size(m.size ?? m.mapped_size);
  c[2].textContent = m.access;
  c[3].textContent = m.backing === 'file' ? `file ${m.file}` : m.backing;
  c[4].textContent = `${m.created ? 'created' : 'opened'} ${since(m.opened_at)} ago`;
  c[5].textContent = freshness(m.last_change_at);
  c[5].title = m.last_change_at ? `last change seen ${m.last_change_at}` : 'no change seen yet (other programs\' writes are seen while watched)';
  tr.classList.toggle('selected', view.name === m.name);
  actions(c[6], button('View', () => openView(m)), button('Close', () => closeObject('mapping', m.name)));
}

function fillEvent(tr, e) {
  const c = tr.cells;
  setName(c[0], e.name);
  c[1].textContent = e.manual_reset ? 'manual' : 'auto';
  c[2].textContent = e.state.replace('_', ' ');
  c[3].textContent = e.waiters;
  const watched = watchable(e);
  c[4].textContent = watched ? String(state.signals.get(e.name) || 0) : '—';
  c[4].className = 'signals';
  c[4].title = watched ? '' : 'an auto-reset event on Windows: watching it would take signals from the programs that wait for it';
  actions(c[5],
    button('Set', () => post(objectPath('event', e.name, '/set'))),
    button('Reset', () => post(objectPath('event', e.name, '/reset'))),
    button('Pulse', () => post(objectPath('event', e.name, '/pulse'))),
    button('Close', () => closeObject('event', e.name)));
}

function fillMutex(tr, m) {
  const c = tr.cells;
  setName(c[0], m.name);
  c[1].textContent = m.state;
  c[2].textContent = [m.owner_pid && `pid ${m.owner_pid}`, m.held && 'this daemon'].filter(Boolean).join(', ') || '—';
  c[3].textContent = m.abandoned ? 'yes' : 'no';
  c[4].textContent = m.held_until ? `until ${new Date(m.held_until).toLocaleTimeString()}` : '—';
  actions(c[5],
    button('Acquire', async () => {
      const r = await post(objectPath('mutex', m.name, '/acquire?timeout=2s&hold=5m'));
      if (!r.acquired) throw new Error(`${m.name} stayed locked for 2 s`);
      state.leases.set(m.name, r.lease);
      if (r.abandoned) showMessage('Abandoned', `${m.name}: its previous owner ended while holding it; what it guards may be half-written`, 'note');
    }),
    button('Release', () => {
      const lease = state.leases.get(m.name);
      if (!lease) throw new Error(`this page holds no lease on ${m.name}`);
      state.leases.delete(m.name);
      return post(objectPath('mutex', m.name, `/release?lease=${encodeURIComponent(lease)}`));
    }),
    button('Close', () => closeObject('mutex', m.name)));
}

function fillOSObject(tr, o) {
  const c = tr.cells;
  setName(c[0], o.name);
  c[1].textContent = o.kind;
  c[2].textContent = o.os_type;
  c[3].textContent = o.size == null ? '—' : size(o.size);
  if (o.held) actions(c[4], document.createTextNode(`held (${o.held})`));
  else if (!o.openable) actions(c[4], document.createTextNode(`cannot open: ${o.reason}`));
  else if (o.kind === 'other') actions(c[4]);
  else actions(c[4], button('Open', () => openObject(o.kind, o.name)));
}

const OS_PAGE = 100; // rows of "On this system" at once: a machine can have thousands of objects

/** Shows the page of the OS's objects that the filter and the pager select. */
function renderOS() {
  const f = $('os-filter').value.trim().toLowerCase();
  const all = state.os.objects;
  const list = f ? all.filter((o) => o.name.toLowerCase().includes(f)) : all;
  const pages = Math.max(1, Math.ceil(list.length / OS_PAGE));
  state.os.page = Math.max(0, Math.min(state.os.page, pages - 1));
  const first = state.os.page * OS_PAGE;
  const shown = list.slice(first, first + OS_PAGE);
  syncRows($('os-objects').tBodies[0], shown, 5, fillOSObject);
  const more = state.os.truncated ? ' (the OS has more: the first 10,000 by name are listed, and what the daemon holds)' : '';
  $('os-count').textContent = list.length ? `${first + 1}–${first + shown.length} of ${list.length}${more}` : f ? 'no name matches' : 'none';
  $('os-prev').disabled = state.os.page === 0;
  $('os-next').disabled = state.os.page >= pages - 1;
}

async function closeObject(kind, name) {
  await call('DELETE', objectPath(kind, name));
  if (kind === 'mapping' && view.name === name) closeView();
}

async function openObject(kind, name) {
  const obj = await post(collectionPath(kind), { name, mode: 'open' });
  if (kind === 'mapping') openView(obj);
  await refreshOS();
}

// ---- events: one stream for the signals of every watchable event

/** Windows refuses to watch an auto-reset event (a wait would take its signal); Linux observes any. */
const watchable = (e) => e.manual_reset || !state.windows;

function watchEvents(events) {
  const names = events.filter(watchable).map((e) => e.name).sort();
  const key = names.join('\n') + state.windows;
  if (key === state.eventsKey) return;
  state.eventsKey = key;
  state.eventStream?.close();
  state.eventStream = null;
  if (!names.length) return;
  const url = '/v1/watch?' + names.map((n) => 'event=' + encodeURIComponent(n)).join('&');
  state.eventStream = new Stream(url, (type, d) => {
    if (type !== 'signal') return;
    state.signals.set(d.event, (state.signals.get(d.event) || 0) + 1);
    const tr = [...$('events').tBodies[0].rows].find((r) => r.dataset.name === d.event);
    if (!tr) return;
    tr.cells[4].textContent = String(state.signals.get(d.event));
    tr.classList.remove('flash');
    void tr.offsetWidth; // restart the animation
    tr.classList.add('flash');
  }, () => {});
}

// ---- refresh

async function refresh() {
  const [mappings, events, mutexes] = await Promise.all(Object.keys(KINDS).map((k) => get(collectionPath(k))));
  const first = !state.loggedIn; // the first refresh since signing in
  if (first) {
    state.loggedIn = true;
    $('login').hidden = true;
    $('main').hidden = false;
    $('conn').hidden = false; // the live badge: only once signed in
    $('logout').hidden = !hasSession();
    refreshOS();
    openLinked(mappings);
  }
  syncRows($('mappings').tBodies[0], mappings, 7, fillMapping);
  syncRows($('events').tBodies[0], events, 6, fillEvent);
  syncRows($('mutexes').tBodies[0], mutexes, 6, fillMutex);
  watchEvents(events);
  // Not awaited, and not at the first refresh: the view a link opens gets its stream first (a browser has 6
  // connections per host), the recordings a second later.
  if (!first) recordings.refresh().catch((err) => err.status !== 401 && showError(err));
  if (view.name && !mappings.some((m) => m.name === view.name)) {
    closeView();
    showMessage('', 'the mapping in view was closed', 'note');
  }
}

/** A link to a mapping's view (#mapping=NAME, what the view puts in the address bar) opens it. */
function openLinked(mappings) {
  const linked = new URLSearchParams(location.hash.slice(1)).get('mapping');
  const m = mappings.find((x) => x.name === linked);
  if (m && view.name !== m.name) openView(m);
}

window.addEventListener('hashchange', async () => {
  try {
    openLinked(await get(collectionPath('mapping')));
  } catch (err) {
    showError(err);
  }
});

async function refreshOS() {
  try {
    const r = await get('/v1/os/objects');
    state.os.objects = r.objects;
    state.os.truncated = r.truncated;
    renderOS();
  } catch (err) {
    if (err.status !== 401) showError(err);
  }
}

/** Ends the streams (a logout, or a session that ended): they would only get 401s. */
function stopStreams() {
  state.eventStream?.close();
  state.eventStream = null;
  state.eventsKey = '';
  closeView();
}

let polling = false;

async function poll() {
  if (polling) return; // one loop, whatever logs in again
  polling = true;
  try {
    await refresh();
    state.pollFailed = false;
  } catch (err) {
    state.pollFailed = !(err instanceof Problem);
    if (!(err instanceof Problem) || err.status !== 401) setConn();
  }
  setConn();
  polling = false;
  if (state.loggedIn || state.pollFailed) setTimeout(poll, POLL_MS);
}

// ---- forms

function onSubmit(id, send) {
  const form = $(id);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await send(new FormData(form));
      form.reset();
      await refresh();
      refreshOS();
    } catch (err) {
      showError(err);
    }
  });
}

onSubmit('create-mapping', async (f) => {
  const req = { name: f.get('name').trim(), mode: f.get('mode'), access: f.get('access') };
  const sizeText = f.get('size').trim();
  if (sizeText) {
    req.size = parseSize(sizeText);
    if (Number.isNaN(req.size)) throw new Error(`size "${sizeText}" is not a size: 4096, 64k, 1 MiB`);
  }
  openView(await post(collectionPath('mapping'), req));
});
onSubmit('create-event', (f) => post(collectionPath('event'), { name: f.get('name').trim(), mode: f.get('mode'), manual_reset: f.get('manual_reset') === 'on' }));
onSubmit('create-mutex', (f) => post(collectionPath('mutex'), { name: f.get('name').trim(), mode: f.get('mode') }));

$('os-refresh').addEventListener('click', refreshOS);
$('os-filter').addEventListener('input', () => {
  state.os.page = 0;
  renderOS();
});
$('os-prev').addEventListener('click', () => {
  state.os.page--;
  renderOS();
});
$('os-next').addEventListener('click', () => {
  state.os.page++;
  renderOS();
});
$('message-close').addEventListener('click', () => ($('message').hidden = true));

// ---- start

async function start() {
  const linked = new URLSearchParams(location.hash.slice(1));
  if (linked.has('code')) {
    // The daemon's login link: its one-time code is used up now, so the link in the history is worth nothing.
    history.replaceState(null, '', location.pathname);
    try {
      await login({ code: linked.get('code') });
    } catch (err) {
      showLogin(err.detail || err.message);
      return;
    }
  } else if (new URLSearchParams(location.search).has('token')) {
    history.replaceState(null, '', '/');
    showLogin('The token does not go in the address bar (the browser\'s history would keep it): paste it here, or open the login link the daemon prints in its terminal.');
    return;
  }
  get('/healthz').then((h) => {
    $('version').textContent = h.version || '';
    state.windows = /windows/.test(h.version || '');
  }, () => {}); // the lists say what is wrong
  setInterval(() => renew().catch(() => {}), 30 * 60 * 1000);
  if (!hasSession()) {
    showLogin(); // no request that could only be refused (401): the console stays clean
    return;
  }
  renew().catch(() => {});
  poll();
}

start();
