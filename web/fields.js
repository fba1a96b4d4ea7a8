// The Fields pane: a mapping decoded by a layout (the catalogue's, a saved one, or one being written in the
// editor), live through a decoded watch stream. Each value is a row of the tree (its name, its value); changed
// values flash; a fixed field's row and its bytes in the hex view select each other; numeric fields can be
// pinned to the chart; with Edit on, a value is written through PATCH …/fields. What the layout likely decodes
// wrong (the daemon's warnings: padding missing, a size other than the mapping's) is listed above the tree, and
// the rows of the fields it names are marked. The layout editor (editor.js) sits above the tree: what it is
// given is tried on the mapping and shown here. Names, values and warnings go into the page as text, never as HTML.

import { Stream, call, get, objectPath } from './api.js';
import { el } from './dom.js';
import { LayoutEditor } from './editor.js';

const FLASH_MS = 400;

/** The value of a decoded JSON leaf as the tree shows it. */
function show(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** Applies a fields message to a state: objects by key, an object into an array by item index (docs/watch.md). */
export function merge(state, patch) {
  for (const [k, v] of Object.entries(patch)) {
    const key = Array.isArray(state) ? Number(k) : k;
    const cur = state[key];
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object') merge(cur, v);
    else state[key] = v;
  }
}

/** The leaves of a decoded value: [path, value] for each, in order (paths as ?fields= spells them). */
export function leaves(v, path = '', out = []) {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
    else for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else out.push([path, v]);
  return out;
}

/** The steps of a path of ?fields= form: a.b[2].c is 'a', 'b', 2, 'c' (keys as strings, indexes as numbers). */
function steps(path) {
  return [...path.matchAll(/([a-z_][a-z0-9_]*)|\[(\d+)\]/g)].map((m) => (m[1] != null ? m[1] : Number(m[2])));
}

/** The value at a path of ?fields= form (a.b[2].c) in a decoded value; undefined if there is none. */
export function valueAt(v, path) {
  for (const k of steps(path)) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[k];
  }
  return v;
}

/** The nested object PATCH …/fields takes for one path (a.b[2].c = v): array items left alone are null. */
export function patchFor(path, value) {
  const parts = steps(path);
  const root = {};
  let cur = root;
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const next = last ? value : typeof parts[i + 1] === 'number' ? [] : {};
    if (typeof p === 'number') {
      while (cur.length < p) cur.push(null);
    }
    cur[p] = next;
    cur = next;
  });
  return root;
}

export class FieldsPane {
  /**
   * @param {HTMLElement} root
   * @param {{error: (e: Error) => void, note: (s: string) => void, editing: () => boolean,
   *          select: (off: number, n: number) => void, fields: (f: {path: string, offset: number, size: number}[]) => void,
   *          pins: (pinned: string[]) => void, values: (leaves: [string, any][], at: number) => void}} ui
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.pinned = [];
    this.dirty = new Set();
    this.build();
  }

  build() {
    const r = this.root;
    r.replaceChildren();
    const bar = el('div', 'toolbar');
    const h = el('h3', '', 'Fields');
    this.select = el('select');
    this.select.id = 'layout-select';
    this.select.setAttribute('aria-label', 'Layout');
    this.select.addEventListener('change', () => this.use(this.select.value));
    this.editButton = el('button', 'small', 'Layout editor');
    this.editButton.id = 'layout-editor-toggle';
    this.editButton.addEventListener('click', () => this.editor.toggle());
    bar.append(h, this.select, this.editButton);
    this.status = el('div', 'small');
    this.status.id = 'fields-status';
    this.warnings = el('div', 'warnings');
    this.warnings.id = 'fields-warnings';
    this.warnings.setAttribute('role', 'status');
    this.warnings.hidden = true;
    this.warned = new Map();
    this.tree = el('div', 'tree');
    this.tree.id = 'fields-tree';
    this.tree.setAttribute('role', 'tree');

    this.editor = new LayoutEditor({
      mapping: () => this.name,
      layout: () => this.layout,
      error: (err) => this.ui.error(err),
      tried: (v, warnings, fields) => this.tried(v, warnings, fields),
      saved: (id) => this.saved(id),
    });
    r.append(bar, this.status, this.editor.root, this.warnings, this.tree);
  }

  /** Shows the pane for mapping m: its layouts listed, its default layout (or none) in use. */
  async show(m) {
    this.close();
    this.name = m.name;
    this.root.hidden = false;
    await this.listLayouts(m.layout || '');
    this.use(m.layout || '');
  }

  close() {
    this.stream?.close();
    this.stream = null;
    this.name = null;
    this.state = null;
    this.rows = new Map();
    this.tree.replaceChildren();
    this.warn([]);
    this.ui.fields([]);
  }

  /** Lists the layout's warnings ([{field, detail}]) above the tree, and marks the rows of their fields. */
  warn(list) {
    this.warned = new Map(list.filter((w) => w.field).map((w) => [w.field, w.detail]));
    this.warnings.hidden = list.length === 0;
    const items = list.map((w) => {
      const li = el('li', '', w.detail);
      if (w.field) li.dataset.field = w.field;
      return li;
    });
    const ul = el('ul');
    ul.append(...items);
    this.warnings.replaceChildren(el('strong', '', 'This layout likely decodes the mapping wrong:'), ul);
    for (const [path, row] of this.rows) this.markWarned(path, row);
  }

  /** Marks a row whose field a warning names (its text as the row's tooltip). */
  markWarned(path, row) {
    const w = this.warned.get(path);
    row.el.classList.toggle('warned', w !== undefined);
    if (w !== undefined) row.el.title = w;
    else row.el.removeAttribute('title');
  }

  async listLayouts(selected) {
    let list = [];
    try {
      list = await get('/v1/layouts');
    } catch (err) {
      this.ui.error(err);
    }
    this.layouts = new Map(list.map((l) => [l.id, l]));
    const none = el('option', '', '— no layout —');
    none.value = '';
    const groups = [['Catalogue', list.filter((l) => l.builtin)], ['Saved', list.filter((l) => !l.builtin)]];
    const opts = [none];
    for (const [label, ls] of groups) {
      if (!ls.length) continue;
      const g = el('optgroup');
      g.label = label;
      for (const l of ls) {
        const o = el('option', '', l.title ? `${l.id} — ${l.title}` : l.id);
        o.value = l.id;
        g.append(o);
      }
      opts.push(g);
    }
    this.select.replaceChildren(...opts);
    this.select.value = this.layouts.has(selected) ? selected : '';
  }

  /** Decodes the mapping by layout id, live ("": no layout, an empty pane). */
  use(id) {
    this.stream?.close();
    this.stream = null;
    this.layout = id;
    this.select.value = id;
    this.state = null;
    this.rows = new Map();
    this.tree.replaceChildren();
    this.warn([]);
    const l = this.layouts?.get(id);
    this.fixed = [];
    this.ui.fields(this.fixed);
    if (!id) {
      this.status.textContent = 'Pick a layout to see this mapping as named values, or write one in the editor.';
      return;
    }
    this.status.textContent = l?.producer ? `${l.producer.title}: the layout of ${l.producer.mapping}` : '';
    if (l) this.fixedFields(id); // one not listed: the stream says why
    const url = objectPath('mapping', this.name, `/watch?layout=${encodeURIComponent(id)}&interval=10ms`);
    // A stream (re)connected says its warnings first, if it has any: until then, none.
    this.stream = new Stream(url, (type, d) => this.message(type, d), (s) => s === 'connecting' && this.warn([]));
  }

  /** Fetches layout id's fixed fields (the list has none: GET /v1/layouts/{id}) for the hex view and the rows. */
  async fixedFields(id) {
    let l;
    try {
      l = await get(`/v1/layouts/${encodeURIComponent(id)}`);
    } catch (err) {
      this.ui.error(err);
      return;
    }
    if (this.layout !== id) return; // another layout is in use since
    this.fixed = l.fields || [];
    this.ui.fields(this.fixed);
  }

  message(type, d) {
    if (type === 'warnings') {
      this.warn(d.warnings || []);
      return;
    }
    if (type === 'snapshot') {
      this.state = d.fields;
      this.render();
    } else if (type === 'fields' && this.state) {
      merge(this.state, d.fields);
      for (const [p] of leaves(d.fields)) this.dirty.add(p);
      this.schedule();
      if (this.pinned.length) this.ui.values(this.pinned.map((p) => [p, valueAt(this.state, p)]), Date.now() / 1000);
    } else if (type === 'error') {
      this.status.textContent = `${d.error.kind}: ${d.error.detail}`;
      return;
    } else if (type === 'closed') {
      this.status.textContent = `stream ended (${d.reason})`;
      return;
    }
    const v = d.version != null ? `, frame ${d.version}` : '';
    const f = d.frames != null ? ` (${d.frames} since the last message)` : '';
    this.status.textContent = `decoded by ${this.layout}${v}${f}`;
  }

  /** Draws the whole tree (a snapshot: the rows are made anew). */
  render() {
    this.dirty = new Set();
    this.rows = new Map();
    const frag = document.createDocumentFragment();
    for (const [path, v] of leaves(this.state)) frag.append(this.row(path, v));
    this.tree.replaceChildren(frag);
  }

  /** Changes go to the screen at most once a frame, however many messages came: the rows of what changed get
   * its new text and flash; nothing else is touched. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const now = performance.now();
      const touch = (p) => {
        const row = this.rows.get(p);
        if (!row) return false;
        const text = show(valueAt(this.state, p));
        if (row.value.firstChild?.nodeType !== Node.ELEMENT_NODE) row.value.textContent = text; // not while edited
        if (!row.lit) row.el.classList.add('chg');
        row.lit = now;
        return true;
      };
      for (const p of this.dirty) {
        if (touch(p)) continue;
        // a path that ends above the leaves (an array that came whole, a struct that became null): its leaves
        for (const q of this.rows.keys()) if (q.startsWith(p + '[') || q.startsWith(p + '.')) touch(q);
      }
      if (this.dirty.size && leaves(this.state).length !== this.rows.size) this.render(); // the shape changed
      this.dirty.clear();
      let lit = false;
      for (const row of this.rows.values()) {
        if (!row.lit) continue;
        if (now - row.lit >= FLASH_MS) {
          row.el.classList.remove('chg');
          row.lit = 0;
        } else lit = true;
      }
      if (lit) this.schedule();
    });
  }

  row(path, v) {
    const r = el('div', 'field');
    r.setAttribute('role', 'treeitem');
    r.dataset.path = path;
    const depth = (path.match(/[.[]/g) || []).length;
    r.style.paddingLeft = `${depth * 0.8}em`;
    const name = el('button', 'fname', path);
    name.title = 'Select its bytes';
    name.addEventListener('click', () => this.pick(path));
    const value = el('span', 'fvalue', show(v));
    value.addEventListener('click', () => this.edit(path, value));
    r.append(name, value);
    if (typeof v === 'number') {
      const pin = el('button', 'pin small', this.pinned.includes(path) ? 'unpin' : 'chart');
      pin.title = 'Pin to the chart';
      pin.addEventListener('click', () => this.pin(path, pin));
      r.append(pin);
    }
    const row = { el: r, value, lit: 0 };
    this.rows.set(path, row);
    this.markWarned(path, row);
    return r;
  }

  /** The fixed field at byte off (the innermost), or null. */
  fieldAt(off) {
    let best = null;
    for (const f of this.fixed || []) if (off >= f.offset && off < f.offset + f.size && (!best || f.size <= best.size)) best = f;
    return best;
  }

  /** Selects the row of path (from the hex view's cursor): marked, scrolled into view. */
  mark(path) {
    for (const row of this.rows.values()) row.el.classList.remove('cur');
    const row = path && this.rows.get(path);
    if (row) {
      row.el.classList.add('cur');
      row.el.scrollIntoView({ block: 'nearest' });
    }
  }

  pick(path) {
    const f = (this.fixed || []).find((x) => x.path === path);
    if (!f) {
      this.ui.note(`${path} has no fixed place (it is computed, or placed by the data)`);
      return;
    }
    this.mark(path);
    this.ui.select(f.offset, f.size);
  }

  pin(path, button) {
    const i = this.pinned.indexOf(path);
    if (i >= 0) this.pinned.splice(i, 1);
    else this.pinned.push(path);
    button.textContent = i >= 0 ? 'chart' : 'unpin';
    this.ui.pins([...this.pinned]);
  }

  /** With Edit on, a value becomes an input; Enter writes it by the layout (PATCH …/fields). */
  edit(path, value) {
    if (!this.ui.editing()) return;
    const input = el('input', 'fedit');
    const old = value.textContent;
    input.value = old;
    input.setAttribute('aria-label', `New value of ${path}`);
    value.replaceChildren(input);
    input.focus();
    input.select();
    const done = () => (value.textContent = old);
    input.addEventListener('keydown', async (e) => {
      if (e.key === 'Escape') done();
      if (e.key !== 'Enter') return;
      let v;
      try {
        v = JSON.parse(input.value);
      } catch {
        v = input.value; // an unquoted string, or an enum's member name
      }
      try {
        await call('PATCH', objectPath('mapping', this.name, `/fields?layout=${encodeURIComponent(this.layout)}`), { json: patchFor(path, v) });
        done();
      } catch (err) {
        this.ui.error(err);
        done();
      }
    });
    input.addEventListener('blur', done);
  }

  /** Shows what the editor's layout made of the mapping now (a try: no stream), with its fixed fields if known. */
  tried(v, warnings, fields) {
    this.stream?.close();
    this.stream = null;
    this.layout = '';
    this.select.value = '';
    this.state = v;
    this.fixed = fields;
    this.ui.fields(fields);
    this.warn(warnings);
    this.render();
    this.status.textContent = 'the editor\'s layout, applied to the mapping now (save it to watch it live)';
  }

  /** The editor saved layout id: it is listed, and the mapping watched by it. */
  async saved(id) {
    await this.listLayouts(id);
    this.use(id);
    this.ui.note(`saved the layout ${id}`);
  }
}
