// The Publishers section: publish the mapping in view (by its layout, its pinned fields or all of them) to the
// MQTT broker or as gauges on /metrics, list the publishers with what each has sent, delete one. The section's
// content is made here; names go into the page as text, never as HTML.

import { Problem, call, get, objectPath, post } from './api.js';
import { actions, button, el, setName, syncRows, tableOf } from './dom.js';
import { leaves } from './fields.js';

const HEAD = ['Mapping, layout', 'To', 'State', 'Sent', 'Dropped', ''];

export class Publishers {
  /**
   * @param {HTMLElement} root the section
   * @param {{error: (e: Error) => void, note: (s: string) => void,
   *          inView: () => {name: string, layout: string, pinned?: string[]} | null,
   *          act: (action: () => any) => () => Promise<void>}} ui act: a button's click (the action, then a refresh)
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.refreshes = 0; // refreshes started
    this.build();
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.make().catch((err) => ui.error(explain(err)));
    });
    this.field('kind').addEventListener('change', () => this.kindChanged());
    this.form.addEventListener('focusin', (e) => {
      if (!this.form.contains(e.relatedTarget)) this.kindChanged(); // coming to the form: the broker as it is now
    });
    this.kindChanged(false);
  }

  /** The section's content: its title, what it is for, the form, the broker's line and the table. */
  build() {
    const help = el('p', 'small', 'Publish the mapping in view, by its layout (its charted fields, or all): as JSON to an MQTT broker, or as gauges on /metrics. ');
    const docs = el('a', null, 'API docs');
    docs.href = '/docs';
    help.append(docs);
    this.form = el('form', 'create pub-form');
    this.form.id = 'create-publisher';
    const kind = el('select');
    kind.name = 'kind';
    kind.setAttribute('aria-label', 'Kind');
    for (const k of ['mqtt', 'metrics']) kind.append(Object.assign(el('option', null, k), { value: k }));
    this.form.append(kind, input('topic', 'topic: sim/car', 'MQTT topic'), input('metric', 'metric name: car', 'Metric name'),
      input('interval', '100ms', 'Sample interval', 5), el('button', null, 'Publish'));
    this.from = el('div', 'small pub-from');
    this.broker = el('div', 'small pub-broker');
    const table = tableOf('objects pubs', HEAD);
    this.tbody = table.tBodies[0];
    this.root.replaceChildren(el('h2', null, 'Publishers'), help, this.form, this.from, this.broker, table);
  }

  field(name) {
    return this.form.elements.namedItem(name);
  }

  /** The kind picked shows its own inputs (a topic and an interval, or a metric name), and for mqtt the broker
   * (asked, unless ask is false: before the tab is logged in). */
  kindChanged(ask = true) {
    const mqtt = this.field('kind').value === 'mqtt';
    this.field('topic').hidden = this.field('interval').hidden = !mqtt;
    this.field('metric').hidden = mqtt;
    this.broker.hidden = !mqtt;
    if (mqtt && ask) this.showBroker().catch(() => {}); // the line stays as it was: the publishers still work
  }

  /** Says which broker the mqtt publishers publish to (each row says whether it is connected), or what to do
   * when there is none. */
  async showBroker() {
    const b = await get('/v1/mqtt');
    this.broker.textContent = b.url
      ? `to the broker ${b.url}`
      : 'No broker is set: an mqtt publisher waits for one (shmbridge -mqtt URL, or PUT /v1/mqtt: see the API docs).';
    return b;
  }

  /** Makes the publisher the form describes, of the mapping in view. */
  async make() {
    const v = this.ui.inView();
    if (!v) throw new Error('open a mapping first: a publisher publishes the mapping in view');
    const kind = this.field('kind').value;
    const req = { kind, mapping: v.name };
    if (v.layout) req.layout = v.layout;
    if (kind === 'mqtt') {
      req.topic = this.field('topic').value.trim();
      req.interval = this.field('interval').value.trim() || undefined;
      if (v.pinned?.length) req.fields = v.pinned; // else all of them
    } else {
      req.name = this.field('metric').value.trim();
      req.fields = v.pinned?.length ? v.pinned : await numericFields(v);
    }
    const p = await post('/v1/publishers', req);
    this.ui.note(`publishing ${v.name} ${kind === 'mqtt' ? `to ${p.topic}` : `as ${p.name} on /metrics`} (${p.id})`);
    if (kind === 'mqtt') {
      const b = await this.showBroker().catch(() => null);
      if (b && !b.url) this.ui.error(new Error(`${p.id} is kept, but ${this.broker.textContent}`));
    }
    await this.refresh();
  }

  /** Fills the list. Callers need not wait for it: a refresh that a newer one overtook draws nothing. */
  async refresh() {
    const seq = ++this.refreshes;
    const list = await get('/v1/publishers');
    if (seq !== this.refreshes) return;
    this.from.textContent = fromText(this.ui.inView());
    syncRows(this.tbody, list.slice().reverse(), HEAD.length, (tr, p) => this.fill(tr, p), 'id'); // the newest first
  }

  /** A row: the mapping by its layout; the kind and its topic or metric name (the fields in its title); the
   * broker connection (mqtt); what it sent (messages, or the gauges of the last scrape) and dropped. */
  fill(tr, p) {
    const c = tr.cells;
    const text = (td, t, title = '') => {
      if (td.textContent !== t) td.textContent = t; // unchanged cells left alone
      td.title = title;
    };
    const mqtt = p.kind === 'mqtt';
    if (!c[0].firstChild) c[0].append(el('div'), el('div', 'small'));
    setName(c[0].firstChild, p.mapping);
    text(c[0].lastChild, p.layout || 'its default layout');
    if (!c[1].firstChild) c[1].append(el('div', 'small'), el('div'));
    text(c[1].firstChild, p.kind);
    text(c[1].lastChild, mqtt ? p.topic : p.name);
    c[1].title = `fields: ${(p.fields || []).join(', ') || (p.each ? `each ${p.each}, ${p.value}` : 'all')}`;
    if (mqtt) text(c[2], p.connected ? 'connected' : 'offline', 'the broker connection');
    else text(c[2], '—', 'no connection: the gauges are read at each scrape of /metrics');
    if (mqtt) text(c[3], String(p.published ?? 0), 'messages the broker took');
    else text(c[3], `${p.series} gauges`, 'gauges exported at the last scrape');
    if (mqtt) text(c[4], String(p.dropped ?? 0), 'messages replaced by a newer one before they could go');
    else text(c[4], '—');
    actions(c[5], button('Delete', this.ui.act(() => this.remove(p))));
  }

  async remove(p) {
    await call('DELETE', `/v1/publishers/${encodeURIComponent(p.id)}`);
    this.ui.note(`publisher ${p.id} deleted`);
  }
}

/** What the form publishes: the mapping in view, its layout, its pinned fields (or all). */
function fromText(v) {
  if (!v) return 'Open a mapping to publish it.';
  const fields = v.pinned?.length ? `fields ${v.pinned.join(', ')}` : 'all fields (pin some to the chart to pick them)';
  return `mapping ${v.name} by layout ${v.layout || '(its default)'}, ${fields}`;
}

/** The numeric fields of the mapping in view, decoded now: a metrics publisher's gauges when none is pinned. */
async function numericFields(v) {
  const q = v.layout ? `?layout=${encodeURIComponent(v.layout)}` : '';
  const decoded = await get(objectPath('mapping', v.name, `/fields${q}`));
  const paths = leaves(decoded).filter(([, x]) => typeof x === 'number' || typeof x === 'boolean').map(([p]) => p);
  if (!paths.length) throw new Error(`${v.name} has no numeric field to publish as a gauge`);
  return paths;
}

/** An input of the form: its name, placeholder and label. */
function input(name, placeholder, label, size) {
  const i = el('input');
  Object.assign(i, { name, placeholder });
  if (size) i.size = size;
  i.setAttribute('aria-label', label);
  return i;
}

/** A problem about the broker says what to do. */
function explain(err) {
  if (err instanceof Problem && /broker|mqtt/i.test(err.detail) && err.status >= 400 && err.status < 500) {
    err.detail += ' (set the broker: shmbridge -mqtt URL, or PUT /v1/mqtt; see the API docs at /docs)';
  }
  return err;
}
