// The dashboard's composition root: it makes the page's parts and wires them together. The parts: the login
// (session.js), the message box and connection badge (status.js), the lists of objects (objects.js), the hex
// view (hexview.js), the Fields pane (fields.js), the chart (chart.js), the recordings (recordings.js), the
// scoped tokens (tokens.js), the publishers (publishers.js), the mirrors (mirrors.js) and the demo, the page's
// empty state (demo.js). What is left here: the view of one mapping (hex, fields, chart) opened and closed as
// one, by a click or a link, and the refresh every second while logged in.

import { Problem, collectionPath, get } from './api.js';
import { Chart } from './chart.js';
import { Demo } from './demo.js';
import { FieldsPane } from './fields.js';
import { HexView } from './hexview.js';
import { Mirrors } from './mirrors.js';
import { ObjectLists } from './objects.js';
import { Publishers } from './publishers.js';
import { Recordings } from './recordings.js';
import { Session } from './session.js';
import { Status } from './status.js';
import { Tokens } from './tokens.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;

const status = new Status();
const error = (err) => status.error(err);
const note = (s) => status.note(s);

/** A button's click: its action, then a refresh; what goes wrong is shown. */
const act = (action) => async () => {
  try {
    await action();
    await refresh();
  } catch (err) {
    error(err);
  }
};

const view = new HexView($('view'), {
  error,
  note,
  status: (s) => {
    status.viewStatus = s;
    status.conn();
  },
  fieldAt: (off) => fields.fieldAt(off),
  cursor: (off) => fields.mark(fields.fieldAt(off)?.path),
});

const chart = new Chart($('chart-pane'), { note });
const fields = new FieldsPane($('fields'), {
  error,
  note,
  editing: () => view.editing(),
  select: (off, n) => view.selectRange(off, n),
  fields: (f) => view.setFields(f),
  pins: (paths, units) => chart.setPaths(paths, units),
  values: (leaves, at) => chart.push(leaves, at),
});

/** The mapping in view, the layout its Fields pane decodes it by, and the fields pinned to the chart; null if
 * none is in view. What the sections that act on it (record, a token, a publisher) start from. */
const inView = () => (view.name ? { name: view.name, layout: fields.layout || '', pinned: fields.pinned } : null);

const recordings = new Recordings($('recordings'), { error, note, act, inView });
const tokens = new Tokens($('tokens'), { error, note, act, inView });
const publishers = new Publishers($('publishers'), { error, note, act, inView });

const mirrors = new Mirrors($('mirrors'), { error, note, act });

const demo = new Demo($('demo'), { error, note, act, open: (m) => openView(m), changed: () => objects.refreshOS() });

const objects = new ObjectLists({
  act,
  error,
  message: (title, detail, kind) => status.message(title, detail, kind),
  inView: () => view.name,
  open: openView,
  close: closeView,
  refresh,
});

const session = new Session({
  poll,
  stop: () => {
    objects.stop();
    closeView();
  },
});

/** Opens a mapping: its bytes in the hex view, its fields in the Fields pane (by layout, if given, else by its
 * default layout), and brings the view into sight: on a narrow screen it is below the lists. */
function openView(m, layout) {
  view.show(m);
  chart.setPaths([]);
  fields.show(layout ? { ...m, layout } : m);
  $('main').dataset.view = 'open';
  requestAnimationFrame(() => $('view').scrollIntoView({ block: 'start', behavior: 'instant' }));
}

/** Closes the view of the mapping, its fields and its chart. */
function closeView() {
  view.close();
  fields.close();
  chart.setPaths([]);
  $('view').hidden = true;
  $('fields').hidden = true;
  $('main').dataset.view = '';
  status.viewStatus = '';
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
    error(err);
  }
});

async function refresh() {
  const lists = await objects.fetch();
  const first = session.enter(); // the first refresh since logging in
  if (first) {
    objects.refreshOS();
    openLinked(lists.mappings);
  }
  objects.show(lists);
  demo.refresh().catch((err) => err.status !== 401 && error(err)); // the empty state: at once, one GET
  // Not awaited, and not at the first refresh: the view a link opens gets its stream first (a browser has 6
  // connections per host), the recordings a second later.
  if (!first) {
    recordings.refresh().catch((err) => err.status !== 401 && error(err));
    tokens.refresh().catch((err) => err.status !== 401 && error(err));
    publishers.refresh().catch((err) => err.status !== 401 && error(err));
    mirrors.refresh().catch((err) => err.status !== 401 && error(err));
  }
  if (view.name && !lists.mappings.some((m) => m.name === view.name)) {
    closeView();
    note('the mapping in view was closed');
  }
}

let polling = false;
let again = false; // poll was called while it ran: run once more when it ends

async function poll() {
  if (polling) {
    again = true; // a login while a refresh is under way (sent, maybe, with the session logged out): once more
    return;
  }
  polling = true;
  again = false;
  try {
    await refresh();
    status.pollFailed = false;
  } catch (err) {
    status.pollFailed = !(err instanceof Problem);
    if (!(err instanceof Problem) || err.status !== 401) status.conn();
  }
  status.conn();
  polling = false;
  if (again) poll();
  else if (session.loggedIn || status.pollFailed) setTimeout(poll, POLL_MS);
}

async function start() {
  if (!(await session.fromAddress())) return;
  get('/healthz').then((h) => {
    $('version').textContent = h.version || '';
    objects.windows = /windows/.test(h.version || '');
  }, () => {}); // the lists say what is wrong
  if (session.begin()) poll();
}

start();
