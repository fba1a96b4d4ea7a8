// The layout editor of the Fields pane: a layout written as a .ksy, or as a C header (the struct to decode, the
// ABI whose compiler lays it out, the id to save it under). As it is typed it is applied to the mapping in view
// (POST …/decode) and the tree shows the result; a C header is converted first (POST /v1/layouts/convert), and
// what the compiler made of it is shown read-only: each field's offset, size and type, the padding between
// them, and the .ksy. Problems are listed, and marked at their line in the gutter. Save PUTs the layout (a C
// header with its struct and ABI). Every server string goes into the page as text, never as HTML.

import { Problem, call, objectPath, warningsOf } from './api.js';
import { el } from './dom.js';

const TRY_MS = 250;
/** The ABIs a C header can be laid out for (the daemon's cdecl.ABIs); "" is the daemon's default. */
export const ABIS = ['windows-amd64', 'windows-386', 'linux-amd64', 'linux-arm64'];
/** The most rows of offsets shown: a layout spells out up to 4096 fields, a table that long helps nobody. */
const MAX_ROWS = 500;
const ID = /^[a-z][a-z0-9_]*$/;
const KAITAI_WORDS = new Set(['and', 'or', 'not', 'true', 'false', 'as', 'sizeof', 'bitsizeof']);

/** A C name as a layout id, spelt as the converter spells names (internal/cdecl's spell): words split where
 * a lower-case letter meets an upper-case one (mSpeedKmh: m_speed_kmh) and before the last capital of a run
 * (RPMValue: rpm_value), lower-cased, other characters and runs of _ one _, no _ at either end. */
export function layoutID(name) {
  name = name.slice(0, 100); // an id is at most 64 long: a longer name is refused all the same
  const up = (c) => c >= 'A' && c <= 'Z';
  const low = (c) => c >= 'a' && c <= 'z';
  let s = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (i > 0 && up(c) && (low(name[i - 1]) || (up(name[i - 1]) && low(name[i + 1] || '')))) s += '_';
    s += /[A-Za-z0-9]/.test(c) ? c.toLowerCase() : '_';
  }
  s = s.replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (/^[0-9]/.test(s)) s = 'n_' + s;
  return KAITAI_WORDS.has(s) ? s + '_' : s;
}

/** The struct a header most likely means: the last struct or union it defines at file scope (by its typedef
 * name if it has one, else its tag), or "" if it defines none. */
export function guessStruct(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*|^[ \t]*#.*$/gm, ' ');
  let depth = 0;
  let start = 0; // where the declaration at file scope being read began
  let closed = 0; // where its braces closed
  let def = null; // the struct or union it defines: {tag, typedef}
  let last = '';
  for (const m of code.matchAll(/\b(?:struct|union)\s+([A-Za-z_]\w*)\s*\{|[{};]/g)) {
    if (m[0] === '}') {
      if (depth > 0 && --depth === 0) closed = m.index + 1;
    } else if (m[0] === ';') {
      if (depth > 0) continue;
      if (def) {
        const after = code.slice(closed, m.index).replace(/__attribute__\s*\(\(.*?\)\)/g, ' ');
        last = (def.typedef && /[A-Za-z_]\w*/.exec(after)?.[0]) || def.tag || last;
      }
      def = null;
      start = m.index + 1;
    } else {
      const head = code.slice(Math.max(start, m.index - 64), m.index); // what says what the { opens
      if (depth++ === 0 && (m[1] || /\b(?:struct|union)\s*$/.test(head))) def = { tag: m[1] || '', typedef: /\btypedef\b/.test(head) };
    }
  }
  return last;
}

/** The struct and ABI a converted layout's .ksy names in its doc ("C struct X laid out for ABI (N bytes)…"),
 * or null. */
export function convertedFrom(ksy) {
  const m = /\bC \w+ ([A-Za-z_]\w*) laid out for ([a-z0-9-]+) \((\d+) bytes\)/.exec(ksy || '');
  return m ? { struct: m[1], abi: m[2], size: Number(m[3]) } : null;
}

/** The index in text of line:column (1-based; column 0 or past the line's end: the line's end). */
export function indexOf(text, line, column) {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  const end = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
  return column > 0 ? Math.min(at + column - 1, end) : end;
}

/** The fields (from a conversion) in offset order, with a row for each gap between them: the padding. */
export function withPadding(fields) {
  const sorted = [...fields].sort((a, b) => a.offset - b.offset || b.size - a.size);
  const rows = [];
  let end = 0;
  for (const f of sorted) {
    if (f.offset > end) rows.push({ pad: true, offset: end, size: f.offset - end });
    rows.push(f);
    end = Math.max(end, f.offset + f.size);
  }
  return { rows, end };
}

/** A label holding a control. */
function labelled(text, control) {
  const l = el('label', '', text + ' ');
  l.append(control);
  return l;
}

export class LayoutEditor {
  /**
   * @param {{mapping: () => string, layout: () => string, error: (e: Error) => void,
   *          tried: (v: any, warnings: {field: string, detail: string}[], fields: object[], id?: string) => void,
   *          saved: (id: string) => Promise<void>, closed: () => void}} ui
   */
  constructor(ui) {
    this.ui = ui;
    this.lang = 'ksy';
    this.texts = { ksy: '', c: '' };
    this.trySeq = 0;
    this.root = this.build();
  }

  build() {
    const root = el('section', 'editor');
    root.id = 'layout-editor';
    root.hidden = true;
    const wrap = el('div', 'editor-wrap');
    this.gutter = el('pre', 'gutter');
    this.gutter.id = 'editor-gutter';
    this.gutter.setAttribute('aria-hidden', 'true');
    this.source = el('textarea');
    this.source.id = 'layout-source';
    this.source.spellcheck = false;
    this.source.rows = 16;
    // A line that wrapped would push every number after it off its line: long lines scroll sideways instead.
    this.source.wrap = 'off';
    this.source.addEventListener('input', () => this.edited());
    this.source.addEventListener('scroll', () => (this.gutter.scrollTop = this.source.scrollTop));
    // The gutter is as tall as the textarea (resized by its handle, or by the page), never as its many lines.
    new ResizeObserver(() => (this.gutter.style.height = `${this.source.offsetHeight}px`)).observe(this.source);
    wrap.append(this.gutter, this.source);
    this.problems = el('ul', 'problems');
    this.problems.id = 'editor-problems';
    this.problems.addEventListener('click', (e) => this.goTo(e.target.closest('li')));
    const save = el('button', '', 'Save as layout');
    save.id = 'layout-save';
    save.addEventListener('click', () => this.save());
    root.append(this.buildOptions(), wrap, this.problems, this.buildGenerated(), save);
    this.setLang('ksy');
    return root;
  }

  /** The language choice, and for C the struct, the ABI and the id to save under. */
  buildOptions() {
    const bar = el('div', 'editor-options');
    this.langSelect = el('select');
    this.langSelect.id = 'editor-lang';
    for (const [v, t] of [['ksy', '.ksy'], ['c', 'C header']]) {
      const o = el('option', '', t);
      o.value = v;
      this.langSelect.append(o);
    }
    this.langSelect.addEventListener('change', () => this.setLang(this.langSelect.value));
    this.structInput = el('input');
    this.structInput.id = 'editor-struct';
    this.structInput.placeholder = 'from the header';
    this.structInput.size = 16;
    this.structInput.addEventListener('input', () => this.optionEdited('struct'));
    this.abiSelect = el('select');
    this.abiSelect.id = 'editor-abi';
    this.abiSelect.append(Object.assign(el('option', '', "the daemon's default"), { value: '' }));
    for (const a of ABIS) this.abiSelect.append(Object.assign(el('option', '', a), { value: a }));
    this.abiSelect.addEventListener('change', () => this.edited());
    this.idInput = el('input');
    this.idInput.id = 'editor-id';
    this.idInput.size = 16;
    this.idInput.addEventListener('input', () => this.optionEdited('id'));
    this.cOptions = el('span', 'editor-c');
    this.cOptions.append(labelled('struct', this.structInput), labelled('ABI', this.abiSelect), labelled('save as', this.idInput));
    bar.append(labelled('Language', this.langSelect), this.cOptions);
    return bar;
  }

  /** What a C header became, read-only: a line of what it is, the offsets table, the .ksy. */
  buildGenerated() {
    this.generated = el('div', 'generated');
    this.generated.id = 'editor-generated';
    this.generated.hidden = true;
    this.summary = el('div', 'small');
    this.summary.id = 'editor-summary';
    this.offsets = el('table', 'offsets');
    this.offsets.id = 'editor-offsets';
    const head = el('thead');
    const tr = el('tr');
    for (const h of ['offset', 'size', 'type', 'field']) tr.append(el('th', '', h));
    head.append(tr);
    this.offsetRows = el('tbody');
    this.offsets.append(head, this.offsetRows);
    const details = el('details');
    details.open = true;
    this.ksy = el('pre', 'ksy');
    this.ksy.id = 'editor-ksy';
    details.append(el('summary', '', 'The .ksy made (read-only)'), this.ksy);
    this.generated.append(this.summary, this.offsets, details);
    return this.generated;
  }

  /** The struct and the id follow the header and the struct until the user types into them; emptied, they
   * follow again from the next change (not at once: the user is about to type there). */
  optionEdited(which) {
    const input = which === 'struct' ? this.structInput : this.idInput;
    input.dataset.auto = input.value === '' ? 'true' : 'false';
    this.edited(input);
  }

  /** Fills in the struct (the header's last) and the id (the struct's name as an id) where they follow them,
   * but for the input being typed into (except). */
  fillDefaults(except) {
    if (this.structInput.dataset.auto !== 'false' && except !== this.structInput) {
      // a header half typed defines nothing yet: the struct it defined stays
      this.structInput.value = guessStruct(this.source.value) || this.structInput.value;
      this.structInput.dataset.auto = 'true';
    }
    if (this.idInput.dataset.auto !== 'false' && except !== this.idInput) {
      this.idInput.value = layoutID(this.structInput.value);
      this.idInput.dataset.auto = 'true';
    }
  }

  /** Switches the language: each keeps its own text. */
  setLang(lang) {
    this.texts[this.lang] = this.source.value;
    this.lang = lang;
    this.langSelect.value = lang;
    this.source.value = this.texts[lang];
    const c = lang === 'c';
    this.cOptions.hidden = !c;
    this.generated.hidden = true;
    this.source.setAttribute('aria-label', c ? 'Layout (C header)' : 'Layout (.ksy)');
    this.source.placeholder = c
      ? '#include <stdint.h>\n\nstruct telemetry {\n  uint32_t seq;\n  float speed;\n};'
      : 'meta:\n  id: my_struct\n  endian: le\nseq:\n  - id: speed\n    type: f4';
    this.problems.replaceChildren();
    clearTimeout(this.editTimer);
    this.trySeq++; // a try of the other language still under way shows nothing
    if (this.source.value) this.edited();
    else this.numberLines();
  }

  /** Shows or hides the editor; opened empty, it holds the layout picked (in C if it was converted from C).
   * Closed, a try under way shows nothing, and the pane goes back to the layout picked. */
  toggle() {
    this.root.hidden = !this.root.hidden;
    if (this.root.hidden) {
      clearTimeout(this.editTimer);
      this.trySeq++;
      this.ui.closed();
      return;
    }
    const id = this.ui.layout();
    if (!this.source.value && !this.texts.ksy && !this.texts.c && id) {
      call('GET', `/v1/layouts/${encodeURIComponent(id)}`).then((l) => this.open(l), (err) => this.ui.error(err));
    }
    this.source.focus();
  }

  /** Puts a saved layout in the editor: its C header (with its struct and ABI) if it has one, else its .ksy. */
  open(l) {
    if (!l.c_source) {
      this.setLang('ksy');
      this.source.value = l.source;
      this.edited();
      return;
    }
    const from = convertedFrom(l.source);
    this.setLang('c');
    this.source.value = l.c_source;
    this.structInput.value = from?.struct || guessStruct(l.c_source);
    this.abiSelect.value = ABIS.includes(from?.abi) ? from.abi : '';
    this.idInput.value = l.id;
    this.structInput.dataset.auto = this.idInput.dataset.auto = 'false';
    this.edited();
  }

  /** The gutter's line numbers, those in bad (line → its problems' text) marked. */
  numberLines(bad = new Map()) {
    const n = Math.max(1, this.source.value.split('\n').length);
    const lines = [];
    for (let i = 1; i <= n; i++) {
      const s = el('span', bad.has(i) ? 'ln err' : 'ln', String(i));
      s.dataset.line = i;
      if (bad.has(i)) s.title = bad.get(i);
      lines.push(s, document.createTextNode('\n'));
    }
    this.gutter.replaceChildren(...lines);
  }

  /** As the layout (or, in C, except: one of its options) is typed: tried on the mapping a moment after the
   * typing stops. */
  edited(except) {
    this.numberLines();
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      if (this.lang === 'c') this.fillDefaults(except); // a scan of the header: once the typing stops
      this.tryLayout();
    }, TRY_MS);
  }

  async tryLayout() {
    const text = this.source.value;
    const seq = ++this.trySeq;
    const current = () => seq === this.trySeq;
    const c = this.lang === 'c';
    let converting = c;
    try {
      const conv = c ? await this.convert(text) : null;
      if (!current()) return;
      if (conv) this.showGenerated(conv);
      converting = false;
      let warnings = [];
      const v = await call('POST', objectPath('mapping', this.ui.mapping(), '/decode'), {
        body: conv ? conv.source : text,
        headers: { 'Content-Type': 'application/yaml' },
        answered: (h) => (warnings = warningsOf(h)),
      });
      if (!current()) return;
      this.showProblems([]);
      this.ui.tried(v, warnings, conv ? conv.fields || [] : [], this.id());
    } catch (err) {
      if (!current()) return;
      let list = (err instanceof Problem && err.errors.length && err.errors) || [{ detail: err.detail || err.message }];
      // The decode of a converted header: its lines would be the .ksy's, not the header's.
      if (c && !converting) list = list.map((p) => ({ path: p.path, detail: p.detail }));
      this.showProblems(list);
    }
  }

  /** The query of a C header's conversion (and of its PUT, without the id). */
  cQuery(withID) {
    const q = new URLSearchParams({ struct: this.structInput.value.trim() });
    if (withID) q.set('id', this.idInput.value.trim());
    if (this.abiSelect.value) q.set('abi', this.abiSelect.value);
    return q;
  }

  /** Converts the C header (POST /v1/layouts/convert): the fields and the .ksy it makes. The mapping is then
   * decoded by that .ksy, so what the tree shows is what the .ksy shown says; what is shown of the last
   * conversion is dimmed until the next one comes. */
  convert(text) {
    this.generated.classList.add('stale');
    return call('POST', `/v1/layouts/convert?${this.cQuery(true)}`, { body: text, headers: { 'Content-Type': 'text/x-c' } });
  }

  /** Shows a conversion: what was laid out for which ABI, its fields at their offsets with the padding, the .ksy. */
  showGenerated(conv) {
    const from = convertedFrom(conv.source);
    const size = conv.fixed_size != null ? `${conv.fixed_size} bytes` : 'its size depends on the data';
    this.summary.textContent = from ? `${from.struct}: ${size}, laid out for ${from.abi}` : `${conv.id}: ${size}`;
    const { rows, end } = withPadding(conv.fields || []);
    if (conv.fixed_size > end) rows.push({ pad: true, offset: end, size: conv.fixed_size - end });
    const trs = rows.slice(0, MAX_ROWS).map((f) => {
      const tr = el('tr', f.pad ? 'pad' : '');
      const type = f.pad ? 'padding' : f.bits ? `${f.type} (bits ${f.bit}–${f.bit + f.bits - 1})` : f.type;
      tr.append(el('td', '', String(f.offset)), el('td', '', String(f.size)), el('td', '', type), el('td', '', f.pad ? '' : f.path));
      if (!f.pad) tr.dataset.path = f.path;
      return tr;
    });
    if (rows.length > MAX_ROWS) {
      const more = el('td', 'small', `… and ${rows.length - MAX_ROWS} more`);
      more.colSpan = 4;
      trs.push(el('tr'));
      trs.at(-1).append(more);
    }
    this.offsetRows.replaceChildren(...trs);
    this.ksy.textContent = conv.source;
    this.generated.classList.remove('stale');
    this.generated.hidden = false;
  }

  /** Lists problems ([{line, column, path, detail}]) and marks their lines in the gutter (the column in the
   * text: "line 3, column 5: …"). */
  showProblems(list) {
    const bad = new Map();
    const items = list.map((p) => {
      const at = p.line ? `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ` : '';
      const text = `${at}${p.path ? p.path + ': ' : ''}${p.detail}`;
      const li = el('li', '', text);
      if (p.line) {
        bad.set(p.line, (bad.has(p.line) ? bad.get(p.line) + '; ' : '') + text);
        li.dataset.line = p.line;
        if (p.column) li.dataset.column = p.column;
        li.title = 'Go to it';
      }
      return li;
    });
    this.numberLines(bad);
    this.problems.replaceChildren(...items);
  }

  /** A problem clicked: the caret goes to its line and column. */
  goTo(li) {
    if (!li?.dataset.line) return;
    const at = indexOf(this.source.value, Number(li.dataset.line), Number(li.dataset.column || 0));
    this.source.focus();
    this.source.setSelectionRange(at, at);
  }

  /** The id the layout is saved under: in C the one given, else its meta/id; undefined if it has none. */
  id() {
    if (this.lang === 'c') return this.idInput.value.trim();
    return /^\s*id:\s*([a-z][a-z0-9_]*)/m.exec(this.source.value)?.[1];
  }

  /** Saves the layout: a .ksy under its meta/id; a C header with its struct and ABI under the id given. Then
   * the mapping is watched by it. */
  async save() {
    const c = this.lang === 'c';
    const id = this.id();
    if (!id || !ID.test(id)) {
      const why = c ? 'save as: a layout id is lower-case letters, digits and _, starting with a letter' : 'the layout needs a meta/id: it is saved under that id';
      this.ui.error(new Error(why));
      return;
    }
    const [query, type] = c ? [`?${this.cQuery(false)}`, 'text/x-c'] : ['', 'application/yaml'];
    try {
      await call('PUT', `/v1/layouts/${id}${query}`, { body: this.source.value, headers: { 'Content-Type': type } });
    } catch (err) {
      if (err instanceof Problem && err.errors.length) this.showProblems(err.errors);
      this.ui.error(err);
      return;
    }
    await this.ui.saved(id);
  }
}
