// The lists of objects: what the daemon holds (mappings, events, mutexes), with their buttons and the forms that
// create or open them; the signals seen of each event (one watch stream for every event that can be watched);
// and what the OS has, a page at a time, filtered by name. Names go into the page as text, never as HTML.

import { KINDS, Stream, call, collectionPath, get, objectPath, post } from './api.js';
import { duration, freshness, parseSize, size } from './bytes.js';
import { actions, button, setName, syncRows } from './dom.js';

const $ = (id) => document.getElementById(id);

const OS_PAGE = 100; // rows of "On this system" at once: a machine can have thousands of objects

const since = (t) => duration(Math.max(0, Math.round((Date.now() - Date.parse(t)) / 1000)));

/** A mapping's name without its Local\\ or Global\\, in lower case: how the catalogue's names and the OS's are
 * compared. */
const bare = (name) => name.replace(/^(Local|Global)\\/i, '').toLowerCase();

/** The catalogue's mappings from GET /v1/layouts: bare name → [{title, mapping (as the producer spells it),
 * layout, size}], one for each layout that decodes that name (AC and ACC both make acpmf_physics). */
function catalogueOf(layouts) {
  const byName = new Map();
  for (const l of layouts) {
    for (const mapping of l.producer?.mappings || []) {
      const list = byName.get(bare(mapping)) || [];
      list.push({ title: l.producer.title, mapping, layout: l.id, size: l.fixed_size });
      byName.set(bare(mapping), list);
    }
  }
  return byName;
}

/** Of the producers that make a mapping of this name, the one its size tells: the layout as big as it (Linux
 * lists a mapping's size exactly), else the biggest that fits in it (Windows rounds it up to a page), else the
 * first. */
function bySize(list, size) {
  const fits = list.filter((p) => p.size != null && size != null && p.size <= size).sort((a, b) => b.size - a.size);
  return list.find((p) => p.size === size) || fits[0] || list[0];
}

export class ObjectLists {
  /**
   * @param {{act: (action: () => any) => () => Promise<void>, error: (e: Error) => void,
   *          message: (title: string, detail: string, kind: string) => void, inView: () => string | null,
   *          open: (m: object) => void, close: () => void, refresh: () => Promise<void>}} ui act: a button's click
   *        (the action, then a refresh); inView: the name of the mapping in view; open, close: its view; refresh:
   *        the page's
   */
  constructor(ui) {
    this.ui = ui;
    this.windows = false; // the daemon runs on Windows (its /healthz says)
    this.leases = new Map(); // mutex name → lease id, for the mutexes this page acquired
    this.signals = new Map(); // event name → signals seen since the page opened
    this.eventsKey = '';
    this.eventStream = null;
    this.os = { objects: [], truncated: false, page: 0 }; // what the OS has; a page of it is shown
    this.catalogue = new Map(); // a catalogue mapping's bare name (lower case) → its producer

    this.onSubmit('create-mapping', async (f) => {
      const req = { name: f.get('name').trim(), mode: f.get('mode'), access: f.get('access') };
      const sizeText = f.get('size').trim();
      if (sizeText) {
        req.size = parseSize(sizeText);
        if (Number.isNaN(req.size)) throw new Error(`size "${sizeText}" is not a size: 4096, 64k, 1 MiB`);
      }
      this.ui.open(await post(collectionPath('mapping'), req));
    });
    this.onSubmit('create-event', (f) => post(collectionPath('event'), { name: f.get('name').trim(), mode: f.get('mode'), manual_reset: f.get('manual_reset') === 'on' }));
    this.onSubmit('create-mutex', (f) => post(collectionPath('mutex'), { name: f.get('name').trim(), mode: f.get('mode') }));

    $('os-refresh').addEventListener('click', () => this.refreshOS());
    $('os-filter').addEventListener('input', () => {
      this.os.page = 0;
      this.renderOS();
    });
    $('os-prev').addEventListener('click', () => {
      this.os.page--;
      this.renderOS();
    });
    $('os-next').addEventListener('click', () => {
      this.os.page++;
      this.renderOS();
    });
  }

  onSubmit(id, send) {
    const form = $(id);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await send(new FormData(form));
        form.reset();
        await this.ui.refresh();
        this.refreshOS();
      } catch (err) {
        this.ui.error(err);
      }
    });
  }

  /** What the daemon holds: {mappings, events, mutexes}. */
  async fetch() {
    const [mappings, events, mutexes] = await Promise.all(Object.keys(KINDS).map((k) => get(collectionPath(k))));
    return { mappings, events, mutexes };
  }

  /** Shows what fetch answered, and watches the events' signals. */
  show({ mappings, events, mutexes }) {
    syncRows($('mappings').tBodies[0], mappings, 6, (tr, m) => this.fillMapping(tr, m));
    syncRows($('events').tBodies[0], events, 6, (tr, e) => this.fillEvent(tr, e));
    syncRows($('mutexes').tBodies[0], mutexes, 6, (tr, m) => this.fillMutex(tr, m));
    this.watchEvents(events);
  }

  /** A button whose action is followed by a refresh. */
  button(label, action) {
    return button(label, this.ui.act(action));
  }

  fillMapping(tr, m) {
    const c = tr.cells;
    setName(c[0], m.name);
    c[1].textContent = size(m.size ?? m.mapped_size);
    c[2].textContent = (m.access === 'read' ? 'read-only' : 'read/write') + (m.backing === 'file' ? ', file' : '');
    c[2].title = m.backing === 'file' ? `backed by the file ${m.file}` : 'backed by the page file (Linux: /dev/shm)';
    c[3].textContent = `${since(m.opened_at)} ago`;
    c[3].title = `${m.created ? 'created' : 'opened'} by this daemon at ${new Date(m.opened_at).toLocaleString()}`;
    const watched = m.watched || this.ui.inView() === m.name; // its view's stream is this page's, maybe newer than m
    c[4].textContent = freshness({ ...m, watched });
    c[4].title = watched
      ? (m.last_change_at ? `last change seen ${m.last_change_at}` : 'watched: no change seen yet')
      : 'nothing watches it now, so other programs\' writes are not seen: View it to watch it';
    tr.classList.toggle('selected', this.ui.inView() === m.name);
    actions(c[5], this.button('View', () => this.ui.open(m)), this.button('Close', () => this.closeObject('mapping', m.name)));
  }

  fillEvent(tr, e) {
    const c = tr.cells;
    setName(c[0], e.name);
    c[1].textContent = e.manual_reset ? 'manual' : 'auto';
    c[2].textContent = e.state.replace('_', ' ');
    c[3].textContent = e.waiters;
    const watched = this.watchable(e);
    c[4].textContent = watched ? String(this.signals.get(e.name) || 0) : '—';
    c[4].className = 'signals';
    c[4].title = watched ? '' : 'an auto-reset event on Windows: watching it would take signals from the programs that wait for it';
    actions(c[5],
      this.button('Set', () => post(objectPath('event', e.name, '/set'))),
      this.button('Reset', () => post(objectPath('event', e.name, '/reset'))),
      this.button('Pulse', () => post(objectPath('event', e.name, '/pulse'))),
      this.button('Close', () => this.closeObject('event', e.name)));
  }

  fillMutex(tr, m) {
    const c = tr.cells;
    setName(c[0], m.name);
    c[1].textContent = m.state;
    c[2].textContent = [m.owner_pid && `pid ${m.owner_pid}`, m.held && 'this daemon'].filter(Boolean).join(', ') || '—';
    c[3].textContent = m.abandoned ? 'yes' : 'no';
    c[4].textContent = m.held_until ? `until ${new Date(m.held_until).toLocaleTimeString()}` : '—';
    actions(c[5],
      this.button('Acquire', async () => {
        const r = await post(objectPath('mutex', m.name, '/acquire?timeout=2s&hold=5m'));
        if (!r.acquired) throw new Error(`${m.name} stayed locked for 2 s`);
        this.leases.set(m.name, r.lease);
        if (r.abandoned) this.ui.message('Abandoned', `${m.name}: its previous owner ended while holding it; what it guards may be half-written`, 'note');
      }),
      this.button('Release', () => {
        const lease = this.leases.get(m.name);
        if (!lease) throw new Error(`this page holds no lease on ${m.name}`);
        this.leases.delete(m.name);
        return post(objectPath('mutex', m.name, `/release?lease=${encodeURIComponent(lease)}`));
      }),
      this.button('Close', () => this.closeObject('mutex', m.name)));
  }

  fillOSObject(tr, o) {
    const c = tr.cells;
    const p = this.producerOf(o);
    setName(c[0], p ? p.mapping : o.name, p ? `${p.title}, by ${p.layout}` : '');
    c[0].title = p ? `opens read-only, decoded by the catalogue's ${p.layout} (the OS lists it as ${o.name})` : '';
    c[1].textContent = o.kind;
    c[2].textContent = o.os_type;
    c[3].textContent = o.size == null ? '—' : size(o.size);
    if (o.held) actions(c[4], document.createTextNode(`held (${o.held})`));
    else if (!o.openable) actions(c[4], document.createTextNode(`cannot open: ${o.reason}`));
    else if (o.kind === 'other') actions(c[4]);
    else if (p) actions(c[4], this.button('Open', () => this.openProduced(p)));
    else actions(c[4], this.button('Open', () => this.openObject(o.kind, o.name)));
  }

  /** The catalogue producer whose mapping o is ({title, mapping as it spells it, layout}), or null: the names
   * compared without their Local\ or Global\ and case (Windows' names ignore case; on Linux the OS lists
   * /dev/shm's name, without the prefix). */
  producerOf(o) {
    if (o.kind !== 'mapping') return null;
    const list = this.catalogue.get(bare(o.name));
    return list ? bySize(list, o.size) : null;
  }

  /** Shows the page of the OS's objects that the filter and the pager select. */
  renderOS() {
    const f = $('os-filter').value.trim().toLowerCase();
    const all = this.os.objects;
    const list = f ? all.filter((o) => o.name.toLowerCase().includes(f)) : all;
    const pages = Math.max(1, Math.ceil(list.length / OS_PAGE));
    this.os.page = Math.max(0, Math.min(this.os.page, pages - 1));
    const first = this.os.page * OS_PAGE;
    const shown = list.slice(first, first + OS_PAGE);
    syncRows($('os-objects').tBodies[0], shown, 5, (tr, o) => this.fillOSObject(tr, o));
    const more = this.os.truncated ? ' (the OS has more: the first 10,000 by name are listed, and what the daemon holds)' : '';
    $('os-count').textContent = list.length ? `${first + 1}–${first + shown.length} of ${list.length}${more}` : f ? 'no name matches' : 'none';
    $('os-prev').disabled = this.os.page === 0;
    $('os-next').disabled = this.os.page >= pages - 1;
  }

  async refreshOS() {
    try {
      const [r, layouts] = await Promise.all([get('/v1/os/objects'), get('/v1/layouts')]);
      this.catalogue = catalogueOf(layouts);
      this.os.objects = r.objects;
      this.os.truncated = r.truncated;
      this.renderOS();
    } catch (err) {
      if (err.status !== 401) this.ui.error(err);
    }
  }

  async closeObject(kind, name) {
    await call('DELETE', objectPath(kind, name));
    if (kind === 'mapping' && this.ui.inView() === name) this.ui.close();
  }

  /** Opens a catalogue producer's mapping as a reader should: by its name as the producer spells it,
   * read-only (the page writes nothing into a game's memory), decoded by its catalogue layout. */
  async openProduced(p) {
    const m = await post(collectionPath('mapping'), { name: p.mapping, mode: 'open', access: 'read', layout: p.layout });
    this.ui.open(m, p.layout);
    await this.refreshOS();
  }

  async openObject(kind, name) {
    const obj = await post(collectionPath(kind), { name, mode: 'open' });
    if (kind === 'mapping') this.ui.open(obj);
    await this.refreshOS();
  }

  /** Windows refuses to watch an auto-reset event (a wait would take its signal); Linux observes any. */
  watchable(e) {
    return e.manual_reset || !this.windows;
  }

  /** Watches the signals of these events (those that can be watched): one stream for them all, made anew when
   * the set changes. A signal counts in its row, which flashes. */
  watchEvents(events) {
    const names = events.filter((e) => this.watchable(e)).map((e) => e.name).sort();
    const key = names.join('\n') + this.windows;
    if (key === this.eventsKey) return;
    this.eventsKey = key;
    this.eventStream?.close();
    this.eventStream = null;
    if (!names.length) return;
    const url = '/v1/watch?' + names.map((n) => 'event=' + encodeURIComponent(n)).join('&');
    this.eventStream = new Stream(url, (type, d) => {
      if (type !== 'signal') return;
      this.signals.set(d.event, (this.signals.get(d.event) || 0) + 1);
      const tr = [...$('events').tBodies[0].rows].find((r) => r.dataset.name === d.event);
      if (!tr) return;
      tr.cells[4].textContent = String(this.signals.get(d.event));
      tr.classList.remove('flash');
      void tr.offsetWidth; // restart the animation
      tr.classList.add('flash');
    }, () => {});
  }

  /** Ends the events' stream (a logout, or a session that ended: it would only get 401s). */
  stop() {
    this.eventStream?.close();
    this.eventStream = null;
    this.eventsKey = '';
  }
}
