// The Fields pane: a mapping decoded by a layout (the catalogue's, a saved one, or one being written in the
// editor), live through a decoded watch stream. Each value is a row of the tree (its name, its value); arrays
// and structs are rows that fold (a big array starts folded, its first items summed up on its row); a filter
// keeps the rows whose path holds what is typed. Changed values flash; a fixed field's row and its bytes in the
// hex view select each other; numeric fields are pinned to the chart by the pin a row shows when hovered or
// focused; with Edit on, a value is written through PATCH …/fields. What the layout likely decodes wrong (the
// daemon's warnings: padding missing, a size other than the mapping's) is listed above the tree, and the rows
// of the fields it names are marked. The layout editor (editor.js) sits above the tree: what it is given is
// tried on the mapping and shown here. Names, values and warnings go into the page as text, never as HTML.

import { Stream, call, get, objectPath } from './api.js';
import { el } from './dom.js';
import { LayoutEditor } from './editor.js';

const FLASH_MS = 400;
/** An array of more values than this starts folded: ACC's physics page is 200 values, most of them in arrays
 * of 4 (shown), some in arrays of 4 structs of 3 (folded). */
const FOLD_OVER = 8;
/** The items a folded array's row shows, and the members a folded struct's. */
const SUMMARY_ITEMS = 8;
const SUMMARY_MEMBERS = 4;
/** The longest producer title a layout's option shows ("Assetto Corsa Competizione / AC Rally physics" cut
 * the picker): its first name only, and at most this long. */
const TITLE_CHARS = 28;

/** The value of a decoded JSON leaf as the tree shows it. */
function show(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

const isGroup = (v) => v !== null && typeof v === 'object';

/** A folded array or struct in one line: [4] 0, 0, 0, 0, or {x: 1, y: 2, …}; what is nested, as [n] or {…}. */
export function summary(v) {
  const item = (x) => (isGroup(x) ? (Array.isArray(x) ? `[${x.length}]` : '{…}') : show(x));
  if (Array.isArray(v)) {
    const more = v.length > SUMMARY_ITEMS ? ', …' : '';
    return `[${v.length}] ${v.slice(0, SUMMARY_ITEMS).map(item).join(', ')}${more}`;
  }
  const keys = Object.keys(v);
  const more = keys.length > SUMMARY_MEMBERS ? ', …' : '';
  return `{${keys.slice(0, SUMMARY_MEMBERS).map((k) => `${k}: ${item(v[k])}`).join(', ')}${more}}`;
}

/** The paths of the arrays and structs that hold path, outermost first: a.b[2].c is held by a, a.b, a.b[2]. */
export function ancestors(path) {
  const out = [];
  for (const m of path.matchAll(/[.[]/g)) if (m.index > 0) out.push(path.slice(0, m.index));
  return out;
}

/** The last step of a path, as its row names it: c for a.b[2].c, [2] for a.b[2]. */
export function lastStep(path) {
  const m = /(\[\d+\]|[^.[\]]+)$/.exec(path);
  return m ? m[1] : path;
}

/** A layout as the picker lists it: its id and its producer's (or its own) title, short (the whole in its
 * tooltip). */
export function optionText(l) {
  let t = (l.producer?.title || l.title || '').split(' / ')[0];
  if (t.length > TITLE_CHARS) t = t.slice(0, TITLE_CHARS - 1).trimEnd() + '…';
  return t ? `${l.id} — ${t}` : l.id;
}

/** A pushpin, drawn (no icon font, no emoji: the page's fonts may have neither). */
function pinIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', 'M10 1.5l4.5 4.5-1.5 1-2.5 2.5.5 3.5-1.5 1.5-3-3-4 4H1.5v-1l4-4-3-3L4 5l3.5.5L10 3z');
  svg.append(p);
  return svg;
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
   *          pins: (pinned: string[], units: Map<string, string>) => void,
   *          values: (leaves: [string, any][], at: number) => void}} ui
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    /** The paths pinned to the chart, in the order they were pinned. */
    this.pinned = [];
    this.dirty = new Set();
    this.rows = new Map(); // a leaf's path: its row {el, value, lit}
    this.groups = new Map(); // an array's or a struct's path: its row {el, wrap, box, toggle, sum, lit, folded}
    this.folded = new Map(); // what the user folded or unfolded, by path (else: long arrays folded)
    this.build();
  }

  build() {
    const r = this.root;
    r.replaceChildren();
    const bar = el('div', 'toolbar fields-bar');
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
    this.tree.setAttribute('aria-label', 'Fields');
    this.editor = new LayoutEditor({
      mapping: () => this.name,
      layout: () => this.select.value,
      error: (err) => this.ui.error(err),
      tried: (v, warnings, fields, id) => this.tried(v, warnings, fields, id),
      saved: (id) => this.saved(id),
      closed: () => this.layout === '' && this.state && this.use(this.select.value),
    });
    r.append(bar, this.status, this.editor.root, this.warnings, this.buildFilter(), this.tree);
  }

  /** The filter above the tree: the rows whose path holds what is typed (and the arrays and structs holding
   * them, unfolded), with how many of the values that is. */
  buildFilter() {
    const bar = el('div', 'fields-filter');
    this.filterInput = el('input');
    this.filterInput.id = 'fields-filter';
    this.filterInput.type = 'search';
    this.filterInput.placeholder = 'filter by path: wheel, tyre[2]';
    this.filterInput.setAttribute('aria-label', 'Filter the fields by path');
    this.filterInput.addEventListener('input', () => this.applyFilter());
    this.filterCount = el('span', 'small');
    this.filterCount.id = 'fields-filter-count';
    this.filterCount.setAttribute('aria-live', 'polite');
    bar.append(this.filterInput, this.filterCount);
    return bar;
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
    this.clear();
    this.ui.fields([]);
  }

  /** An empty tree, no warnings. */
  clear() {
    this.state = null;
    this.rows = new Map();
    this.groups = new Map();
    this.tree.replaceChildren();
    this.warn([]);
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
    for (const [path, g] of this.groups) this.markWarned(path, g);
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
        const o = el('option', '', optionText(l));
        o.value = l.id;
        if (l.producer?.title || l.title) o.title = l.producer?.title || l.title;
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
    if (id !== this.layout) this.folded = new Map(); // another layout's arrays, folded as they start
    this.layout = id;
    this.select.value = id;
    this.clear();
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

  /** Draws the whole tree (a snapshot: the rows are made anew; what was folded stays folded). */
  render() {
    this.dirty = new Set();
    this.rows = new Map();
    this.groups = new Map();
    const frag = document.createDocumentFragment();
    if (isGroup(this.state)) this.members(this.state, '', frag);
    else frag.append(this.row('', this.state));
    this.tree.replaceChildren(frag);
    this.applyFilter();
  }

  /** The rows of an array's items or a struct's members, into parent. */
  members(v, path, parent) {
    const arr = Array.isArray(v);
    for (const [k, x] of Object.entries(v)) {
      const p = arr ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      parent.append(isGroup(x) ? this.group(p, x) : this.row(p, x));
    }
  }

  /** An array's or a struct's row, its items' rows in a box under it; it folds by its arrow. */
  group(path, v) {
    const wrap = el('div', 'fgroup');
    wrap.setAttribute('role', 'treeitem');
    const head = el('div', 'field fhead');
    head.dataset.path = path;
    const toggle = el('button', 'ftoggle');
    toggle.setAttribute('aria-label', `${Array.isArray(v) ? 'Items' : 'Members'} of ${path}`);
    const name = this.nameButton(path);
    const sum = el('span', 'fvalue fsum');
    head.append(toggle, name, sum);
    const box = el('div', 'fchildren');
    box.setAttribute('role', 'group');
    this.members(v, path, box);
    wrap.append(head, box);
    const folded = this.folded.get(path) ?? (Array.isArray(v) && leaves(v).length > FOLD_OVER);
    const g = { el: head, wrap, box, toggle, sum, lit: 0, folded };
    toggle.addEventListener('click', () => this.fold(path, !g.folded));
    this.groups.set(path, g);
    this.markWarned(path, g);
    this.showGroup(path, g);
    return wrap;
  }

  /** Folds or unfolds the group at path, and remembers it. */
  fold(path, folded) {
    const g = this.groups.get(path);
    if (!g) return;
    g.folded = folded;
    this.folded.set(path, folded);
    this.showGroup(path, g);
  }

  /** A group as it is now: open (unfolded, or the filter on) its items shown, folded its summary. */
  showGroup(path, g) {
    const open = !g.folded || this.filter;
    g.box.hidden = !open;
    g.wrap.setAttribute('aria-expanded', String(!!open));
    g.toggle.setAttribute('aria-expanded', String(!!open));
    g.toggle.disabled = !!this.filter; // the filter decides what is open while it is on
    g.sum.textContent = open ? '' : summary(valueAt(this.state, path) ?? []);
  }

  /** Shows the rows whose path holds the filter's text (any case), and the groups holding them, open. */
  applyFilter() {
    const q = this.filterInput.value.trim().toLowerCase();
    this.filter = q;
    const held = new Set();
    let n = 0;
    for (const [p, row] of this.rows) {
      const hit = !q || p.toLowerCase().includes(q);
      row.el.hidden = !hit;
      if (!hit) continue;
      n++;
      for (const a of ancestors(p)) held.add(a);
    }
    for (const [p, g] of this.groups) {
      g.wrap.hidden = !!q && !held.has(p) && !p.toLowerCase().includes(q);
      this.showGroup(p, g);
    }
    this.filterCount.textContent = q ? `${n} of ${this.rows.size} values` : '';
  }

  /** Changes go to the screen at most once a frame, however many messages came: the rows of what changed get
   * its new text and flash (a folded group's summary instead, for what it hides); nothing else is touched. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const now = performance.now();
      const hidden = new Set(); // the folded groups whose items changed
      const touch = (p) => {
        const row = this.rows.get(p);
        if (!row) return false;
        const text = show(valueAt(this.state, p));
        if (row.value.firstChild?.nodeType !== Node.ELEMENT_NODE) row.value.textContent = text; // not while edited
        this.light(row, now);
        for (const a of ancestors(p)) if (this.groups.get(a)?.box.hidden) hidden.add(a);
        return true;
      };
      for (const p of this.dirty) {
        if (touch(p)) continue;
        // a path that ends above the leaves (an array that came whole, a struct that became null): its leaves
        for (const q of this.rows.keys()) if (q.startsWith(p + '[') || q.startsWith(p + '.')) touch(q);
      }
      for (const a of hidden) {
        const g = this.groups.get(a);
        this.showGroup(a, g);
        this.light(g, now);
      }
      if (this.dirty.size && leaves(this.state).length !== this.rows.size) this.render(); // the shape changed
      this.dirty.clear();
      const lit = this.fade(now, this.rows);
      if (this.fade(now, this.groups) || lit) this.schedule();
    });
  }

  /** Flashes a row (a changed value). */
  light(row, now) {
    if (!row.lit) row.el.classList.add('chg');
    row.lit = now;
  }

  /** Ends the flash of the rows lit long enough; answers whether some are still lit. */
  fade(now, rows) {
    let lit = false;
    for (const row of rows.values()) {
      if (!row.lit) continue;
      if (now - row.lit >= FLASH_MS) {
        row.el.classList.remove('chg');
        row.lit = 0;
      } else lit = true;
    }
    return lit;
  }

  /** A row's name: the last step of its path (its place in the tree says the rest); a click selects its bytes. */
  nameButton(path) {
    const name = el('button', 'fname', lastStep(path));
    name.title = `${path}: select its bytes`;
    name.addEventListener('click', () => this.pick(path));
    return name;
  }

  row(path, v) {
    const r = el('div', 'field');
    r.setAttribute('role', 'treeitem');
    r.dataset.path = path;
    const value = el('span', 'fvalue', show(v));
    value.addEventListener('click', () => this.edit(path, value));
    r.append(this.nameButton(path), value);
    if (typeof v === 'number') r.append(this.pinButton(path));
    const row = { el: r, value, lit: 0 };
    this.rows.set(path, row);
    this.markWarned(path, row);
    return r;
  }

  /** The pin of a numeric row: a toggle (aria-pressed), seen when the row is hovered or focused, or pinned. */
  pinButton(path) {
    const b = el('button', 'pin');
    b.append(pinIcon());
    b.setAttribute('aria-label', `Pin ${path} to the chart`);
    this.showPin(b, this.pinned.includes(path));
    b.addEventListener('click', () => this.pin(path, b));
    return b;
  }

  showPin(button, pinned) {
    button.setAttribute('aria-pressed', String(pinned));
    button.title = pinned ? 'Unpin from the chart' : 'Pin to the chart';
  }

  /** The fixed field at byte off (the innermost), or null. */
  fieldAt(off) {
    let best = null;
    for (const f of this.fixed || []) if (off >= f.offset && off < f.offset + f.size && (!best || f.size <= best.size)) best = f;
    return best;
  }

  /** Selects the row of path (from the hex view's cursor): marked, the groups holding it unfolded, scrolled
   * into view. */
  mark(path) {
    for (const row of this.rows.values()) row.el.classList.remove('cur');
    for (const g of this.groups.values()) g.el.classList.remove('cur');
    const row = path && (this.rows.get(path) || this.groups.get(path));
    if (!row) return;
    for (const a of ancestors(path)) if (this.groups.get(a)?.folded) this.fold(a, false);
    row.el.classList.add('cur');
    // Within the tree's box only: the page is not scrolled away from what the user looks at.
    const t = this.tree, top = row.el.offsetTop - t.offsetTop;
    if (top < t.scrollTop || top + row.el.offsetHeight > t.scrollTop + t.clientHeight) t.scrollTop = top - t.clientHeight / 2;
  }

  /** The bytes of path: its fixed field's, or for an array or a struct those of its fixed fields together. */
  rangeOf(path) {
    const fixed = this.fixed || [];
    const f = fixed.find((x) => x.path === path);
    if (f) return f;
    const inside = fixed.filter((x) => x.path.startsWith(path + '[') || x.path.startsWith(path + '.'));
    if (!inside.length) return null;
    const offset = Math.min(...inside.map((x) => x.offset));
    return { offset, size: Math.max(...inside.map((x) => x.offset + x.size)) - offset };
  }

  pick(path) {
    const f = this.rangeOf(path);
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
    this.showPin(button, i < 0);
    this.ui.pins([...this.pinned], this.units());
  }

  /** The units the layout gives the pinned fields (a field's `unit`, where it has one): the chart gives each
   * unit an axis. */
  units() {
    const byPath = new Map((this.fixed || []).filter((f) => f.unit).map((f) => [f.path, f.unit]));
    return new Map(this.pinned.filter((p) => byPath.has(p)).map((p) => [p, byPath.get(p)]));
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

  /** Shows what the editor's layout (id, if it has one yet) made of the mapping now (a try: no stream), with
   * its fixed fields if known. The picker stays on the layout picked: the one being edited, most often. */
  tried(v, warnings, fields, id) {
    this.stream?.close();
    this.stream = null;
    this.layout = ''; // what the tree shows is no saved layout: a recording, or an edit, cannot name it
    this.state = v;
    this.fixed = fields;
    this.ui.fields(fields);
    this.warn(warnings);
    this.render();
    const what = `editing: ${id || 'a layout without an id'} (unsaved)`;
    this.status.textContent = `${what}, applied to the mapping now; save it to watch it live`;
  }

  /** The editor saved layout id: it is listed, and the mapping watched by it. */
  async saved(id) {
    await this.listLayouts(id);
    this.use(id);
    this.ui.note(`saved the layout ${id}`);
  }
}
