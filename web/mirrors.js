// The Mirrors section: follow another daemon's mapping (or a catalogue producer's pages) into mappings here,
// list the mirrors with their state, lag and frames written, delete one (its mapping removed, or kept). Admin
// only: the daemon reads the token from a file of this machine. The section's content is made here; names go
// into the page as text, never as HTML.

import { call, get, post } from './api.js';
import { size } from './bytes.js';
import { actions, button, el, setName, syncRows, tableOf } from './dom.js';

const HEAD = ['Here', 'Source', 'State', 'Lag', 'Frames', ''];

export class Mirrors {
  /**
   * @param {HTMLElement} root the section
   * @param {{error: (e: Error) => void, note: (s: string) => void,
   *          act: (action: () => any) => () => Promise<void>}} ui act: a button's click (the action, then a refresh)
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.refreshes = 0; // refreshes started
    this.build();
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.make().catch(ui.error);
    });
    const what = this.form.elements.namedItem('what');
    what.addEventListener('change', () => {
      this.form.elements.namedItem('name').placeholder = what.value === 'producer' ? 'acc, iracing, ams2…' : 'Local\\acpmf_physics';
    });
  }

  /** The section's content: its title, what it is for, the form and the table. */
  build() {
    const help = el('p', 'small', 'Another daemon\'s mapping (or a producer\'s, such as acc), followed and written here for the programs of this machine: its read token in a file here.');
    this.form = el('form', 'create mirror-form');
    this.form.id = 'create-mirror';
    const what = el('select');
    what.name = 'what';
    what.setAttribute('aria-label', 'Mirror a mapping or a producer');
    for (const k of ['mapping', 'producer']) what.append(Object.assign(el('option', null, k), { value: k }));
    this.form.append(input('source', 'https://rig.lan:8765', 'Source daemon URL', true),
      input('credentials', 'file of its token', 'Credentials: the file holding the source\'s token', true),
      what, input('name', 'Local\\acpmf_physics', 'Source mapping, or producer', true),
      input('as', 'here as (same name)', 'Local name'), input('interval', '10ms', 'Sample interval', false, 5),
      el('button', null, 'Mirror'));
    const table = tableOf('objects mirrors-list', HEAD);
    this.tbody = table.tBodies[0];
    this.root.replaceChildren(el('h2', null, 'Mirrors'), help, this.form, table);
  }

  value(name) {
    return this.form.elements.namedItem(name).value.trim();
  }

  /** Makes the mirror the form describes. The daemon answers once it reached the source (or will retry). */
  async make() {
    const req = { source: this.value('source'), credentials: this.value('credentials') };
    req[this.value('what')] = this.value('name');
    if (this.value('as')) req.as = this.value('as');
    if (this.value('interval')) req.interval = this.value('interval');
    const m = await post('/v1/mirrors', req);
    this.ui.note(`mirroring ${m.mapping || m.producer} of ${m.source}: ${m.state} (${m.id})`);
    await this.refresh();
  }

  /** Fills the list. Callers need not wait for it: a refresh that a newer one overtook draws nothing. */
  async refresh() {
    const seq = ++this.refreshes;
    const list = await get('/v1/mirrors');
    if (seq !== this.refreshes) return;
    syncRows(this.tbody, list.slice().reverse(), HEAD.length, (tr, m) => this.fill(tr, m), 'id'); // the newest first
  }

  fill(tr, m) {
    const c = tr.cells;
    const text = (td, t, title = '') => {
      if (td.textContent !== t) td.textContent = t; // unchanged cells left alone
      td.title = title;
    };
    const pages = m.pages?.length ? m.pages : null;
    setName(c[0], pages ? pages.map((p) => p.as).join(', ') : m.as || m.mapping);
    text(c[1], host(m.source), `${m.source}: ${m.producer ? `producer ${m.producer}` : m.mapping}`);
    text(c[2], m.state, m.reconnects ? `${m.reconnects} reconnects` : '');
    text(c[3], m.frames ? `${m.lag_ms.toFixed(1)} ms` : '—', m.last_frame_at ? `last frame ${new Date(m.last_frame_at).toLocaleTimeString()}` : 'no frame yet');
    text(c[4], String(m.frames), `${size(m.bytes)} written${m.events_set ? `, ${m.events_set} events set` : ''}`);
    tr.title = [m.error, ...(pages || []).filter((p) => p.error).map((p) => `${p.as}: ${p.error}`)].filter(Boolean).join('\n');
    const detach = button('Detach', this.ui.act(() => this.remove(m, true)));
    detach.title = 'stop mirroring, and keep the mapping here (the daemon holds it on)';
    actions(c[5], button('Delete', this.ui.act(() => this.remove(m, false))), detach);
  }

  async remove(m, keep) {
    await call('DELETE', `/v1/mirrors/${encodeURIComponent(m.id)}${keep ? '?keep=true' : ''}`);
    this.ui.note(`mirror ${m.id} deleted${keep ? ', its mapping kept' : ''}`);
  }
}

/** A source's host and port, the column's text (its URL in the title). */
function host(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** An input of the form: its name, placeholder and label; required or not. */
function input(name, placeholder, label, required, width) {
  const i = el('input');
  Object.assign(i, { name, placeholder, required: !!required });
  if (width) i.size = width;
  i.setAttribute('aria-label', label);
  return i;
}
