// The hex view of one mapping: a paged grid (only the visible page is fetched and watched), live through a
// watch stream, with a cursor, a selection, in-place editing (only with the Edit switch on), a value inspector
// and a text pane. With a layout in the Fields pane, each fixed field's bytes are coloured (ImHex-style) and
// the field under the cursor is named.

import { Stream, objectPath, readBytes, writeAt, writeText } from './api.js';
import { byteChar, byteClass, formatBytes, fromBase64, hexByte, hexOffset, inspect, parseOffset, printable, size, textUpToNul } from './bytes.js';
import { el } from './dom.js';

const COLS = 16;
const ROWS = 32;
const PAGE = COLS * ROWS;
const FLASH_MS = 300; // a changed byte stays lit this long, then fades (the fade is CSS)
const MAX_COPY = 1 << 20;
const FIELD_COLORS = 6; // classes f0 … f5: a field's bytes, by its index

export class HexView {
  /**
   * @param {HTMLElement} root where the view lives (emptied)
   * @param {{error: (e: Error) => void, note: (s: string) => void, status: (s: string) => void,
   *          cursor?: (off: number) => void, fieldAt?: (off: number) => ({path: string} | null)}} ui
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.fieldIdx = new Int16Array(PAGE).fill(-1);
    this.fields = [];
    this.build();
  }

  /** Whether the Edit switch is on: typing writes into the mapping only then. */
  editing() {
    return this.editSwitch.checked;
  }

  /** Colours the bytes of these fields (a layout's fixed fields: path, offset, size). */
  setFields(fields) {
    this.fields = fields || [];
    this.indexFields();
    this.all = true;
    this.schedule();
  }

  indexFields() {
    this.fieldIdx.fill(-1);
    const top = this.top || 0;
    // The innermost wins: a struct's fields are listed after (and inside) nothing else, so the smallest range.
    const size = new Int32Array(PAGE).fill(0x7fffffff);
    this.fields.forEach((f, k) => {
      const lo = Math.max(f.offset, top), hi = Math.min(f.offset + f.size, top + PAGE);
      for (let o = lo; o < hi; o++) {
        if (f.size <= size[o - top]) {
          size[o - top] = f.size;
          this.fieldIdx[o - top] = k;
        }
      }
    });
  }

  /** Selects n bytes at off (a field picked in the Fields pane), scrolled into view. */
  selectRange(off, n) {
    this.moveTo(off, false);
    this.cursor = Math.min(this.size - 1, off + Math.max(n, 1) - 1);
    this.anchor = off;
    this.all = true;
    this.schedule();
  }

  build() {
    const t = this.root;
    t.replaceChildren();
    const bar = el('div', 'toolbar');
    this.title = el('h2', 'view-title');
    this.goto = el('input');
    this.goto.placeholder = 'offset: 4096, 0x1000';
    this.goto.id = 'goto';
    this.goto.setAttribute('aria-label', 'Go to offset');
    const go = el('button', '', 'Go');
    go.id = 'goto-button';
    const gotoForm = el('form', 'goto');
    gotoForm.append(this.goto, go);
    gotoForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.gotoOffset(this.goto.value);
    });
    this.pauseButton = el('button', '', 'Pause');
    this.pauseButton.id = 'pause';
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused));
    const copy = el('span', 'copy');
    for (const [how, label] of [['hex', 'Copy hex'], ['base64', 'Copy base64'], ['c', 'Copy C array']]) {
      const b = el('button', '', label);
      b.dataset.copy = how;
      b.addEventListener('click', () => this.copy(how));
      copy.append(b);
    }
    this.editSwitch = el('input');
    this.editSwitch.type = 'checkbox';
    this.editSwitch.id = 'edit';
    const editLabel = el('label', 'edit-switch', ' Edit');
    editLabel.title = 'Off: nothing on this page writes into the mapping. On: typing over a byte, the text pane and the Fields pane write';
    editLabel.prepend(this.editSwitch);
    this.editSwitch.addEventListener('change', () => {
      this.root.classList.toggle('editing', this.editing());
      this.schedule();
    });
    bar.append(this.title, gotoForm, this.pauseButton, editLabel, copy);

    this.grid = el('div', 'grid');
    this.grid.id = 'grid';
    this.grid.tabIndex = 0;
    this.grid.setAttribute('role', 'grid');
    this.grid.setAttribute('aria-label', 'Bytes: arrows move, PageUp/PageDown page, hex digits edit, shift selects');
    this.rows = [];
    this.cells = [];
    this.chars = [];
    for (let r = 0; r < ROWS; r++) {
      const row = el('div', 'row');
      const addr = el('span', 'addr');
      const hex = el('span', 'hex');
      const txt = el('span', 'txt');
      for (let c = 0; c < COLS; c++) {
        const b = el('span', 'b');
        b.dataset.i = r * COLS + c;
        hex.append(b);
        this.cells.push(b);
        const ch = el('span', 'c');
        ch.dataset.i = r * COLS + c;
        txt.append(ch);
        this.chars.push(ch);
      }
      row.append(addr, hex, txt);
      this.grid.append(row);
      this.rows.push(addr);
    }
    this.grid.addEventListener('keydown', (e) => this.key(e));
    this.grid.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.scrollRows(Math.sign(e.deltaY) * 3);
    }, { passive: false });
    this.grid.addEventListener('mousedown', (e) => this.mouse(e, true));
    this.grid.addEventListener('mousemove', (e) => e.buttons === 1 && this.mouse(e, false));

    const side = el('div', 'side');
    const insp = el('section', 'inspector');
    const ih = el('h3', '', 'Value at cursor');
    this.endian = el('input');
    this.endian.type = 'checkbox';
    this.endian.id = 'big-endian';
    const el2 = el('label', 'endian', ' big endian');
    el2.prepend(this.endian);
    this.endian.addEventListener('change', () => this.schedule());
    this.inspectTable = el('table');
    this.inspectTable.id = 'inspector';
    insp.append(ih, el2, this.inspectTable);

    const text = el('section', 'textpane');
    const th = el('h3', '', 'Text at cursor (to the first NUL)');
    this.encoding = el('select');
    this.encoding.id = 'text-encoding';
    for (const enc of ['utf-8', 'utf-16le']) {
      const o = el('option', '', enc.toUpperCase());
      o.value = enc;
      this.encoding.append(o);
    }
    this.encoding.addEventListener('change', () => this.schedule());
    this.text = el('textarea');
    this.text.id = 'text';
    this.text.rows = 4;
    this.text.spellcheck = false;
    const write = el('button', '', 'Write text at cursor');
    write.id = 'write-text';
    write.addEventListener('click', () => this.writeText());
    text.append(th, this.encoding, this.text, write);
    side.append(insp, text);

    const body = el('div', 'viewbody');
    body.append(this.grid, side);
    this.where = el('div', 'where');
    t.append(bar, body, this.where);
  }

  /** Shows mapping m (its JSON from the API). */
  show(m) {
    this.close();
    this.name = m.name;
    this.size = m.size ?? m.mapped_size;
    this.writable = m.access === 'read_write';
    this.title.textContent = printable(m.name);
    this.title.title = `${size(this.size)}, ${m.access}`;
    this.top = 0;
    this.cursor = 0;
    this.anchor = 0;
    this.nibble = null;
    this.data = new Uint8Array(0);
    this.lit = new Float64Array(PAGE); // when each cell last changed (0: not lit)
    this.dirty = new Set();
    this.paused = false;
    this.pauseButton.textContent = 'Pause';
    this.editSwitch.checked = false; // each mapping opens with editing off
    this.root.classList.remove('editing');
    this.fields = [];
    this.fieldIdx.fill(-1);
    this.root.hidden = false;
    this.firstRow = true; // marks (performance.mark) when the first row of bytes is on screen
    history.replaceState(null, '', '#mapping=' + encodeURIComponent(m.name));
    this.load(true);
  }

  close() {
    if (this.name) history.replaceState(null, '', location.pathname);
    this.stream?.close();
    this.stream = null;
    clearTimeout(this.restartTimer);
    this.name = null;
    this.loadSeq = (this.loadSeq || 0) + 1;
  }

  /** Fetches the visible page, then (re)opens its watch; a quick series of moves opens one stream. */
  async load(now) {
    const seq = ++this.loadSeq;
    const name = this.name;
    const n = Math.max(0, Math.min(PAGE, this.size - this.top));
    try {
      const b = await readBytes(name, this.top, n);
      if (seq !== this.loadSeq) return;
      this.data = b;
      this.lit.fill(0);
      this.all = true;
      this.schedule();
    } catch (e) {
      if (seq === this.loadSeq) this.ui.error(e);
      return;
    }
    clearTimeout(this.restartTimer);
    if (!this.paused) this.restartTimer = setTimeout(() => seq === this.loadSeq && this.watch(), now ? 0 : 150);
  }

  watch() {
    this.stream?.close();
    const n = this.data.length;
    if (!n) return;
    const url = objectPath('mapping', this.name, `/watch?offset=${this.top}&length=${n}`);
    const top = this.top;
    this.stream = new Stream(url, (type, d) => this.message(type, d, top), (s) => this.ui.status(s));
  }

  message(type, d, top) {
    if (top !== this.top) return;
    if (type === 'snapshot') this.apply(d.offset, fromBase64(d.data));
    else if (type === 'change') for (const s of d.spans) this.apply(s.offset, fromBase64(s.data));
    else if (type === 'closed') this.ui.note(`${this.name}: stream ended (${d.reason})`);
  }

  /** Puts bytes b, at absolute offset off, into the page; the bytes that differ light up. */
  apply(off, b) {
    const now = performance.now();
    for (let j = 0; j < b.length; j++) {
      const i = off + j - this.top;
      if (i < 0 || i >= this.data.length) continue;
      if (this.data[i] !== b[j]) {
        this.data[i] = b[j];
        this.lit[i] = now;
        this.dirty.add(i);
      }
    }
    this.schedule();
  }

  /** At most one screen update per frame, however fast changes come. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render() {
    if (!this.name) return;
    const now = performance.now();
    const [lo, hi] = this.selection();
    const paint = (i) => {
      const off = this.top + i;
      const cell = this.cells[i];
      const ch = this.chars[i];
      if (i >= this.data.length) {
        cell.textContent = '  ';
        ch.textContent = ' ';
        cell.className = 'b none';
        ch.className = 'c none';
        return;
      }
      const v = this.data[i];
      const lit = this.lit[i] && now - this.lit[i] < FLASH_MS;
      let extra = lit ? ' chg' : '';
      if (off >= lo && off <= hi) extra += ' sel';
      if (off === this.cursor) extra += ' cur';
      const cls = byteClass(v);
      if (this.fieldIdx[i] >= 0) extra += ` f${this.fieldIdx[i] % FIELD_COLORS}`;
      cell.textContent = off === this.cursor && this.nibble != null ? this.nibble + '_' : hexByte(v);
      cell.className = `b ${cls}${extra}`;
      ch.textContent = byteChar(v);
      ch.className = `c ${cls}${extra}`;
    };
    if (this.all) {
      this.all = false;
      this.indexFields();
      for (let r = 0; r < ROWS; r++) {
        const off = this.top + r * COLS;
        this.rows[r].textContent = off < this.size ? hexOffset(off) : '';
      }
      for (let i = 0; i < PAGE; i++) paint(i);
    } else {
      for (const i of this.dirty) paint(i);
    }
    this.dirty.clear();
    // Lit cells past their time go dark (CSS fades them); while any is lit, keep drawing.
    let lit = false;
    for (let i = 0; i < this.data.length; i++) {
      if (!this.lit[i]) continue;
      if (now - this.lit[i] >= FLASH_MS) {
        this.lit[i] = 0;
        paint(i);
      } else lit = true;
    }
    if (lit) this.schedule();
    this.renderSide();
    if (this.firstRow && this.data.length) {
      this.firstRow = false;
      performance.mark('shmbridge:first-row', { detail: this.name });
    }
  }

  renderSide() {
    const i = this.cursor - this.top;
    const at = this.data.subarray(Math.max(i, 0), Math.max(i, 0) + 8);
    const rows = inspect(i >= 0 ? at : new Uint8Array(0), !this.endian.checked);
    if (this.inspectTable.rows.length !== rows.length) {
      this.inspectTable.replaceChildren(...rows.map(() => {
        const tr = el('tr');
        tr.append(el('th'), el('td'));
        return tr;
      }));
    }
    rows.forEach(([label, value], k) => {
      const tr = this.inspectTable.rows[k];
      tr.cells[0].textContent = label;
      tr.cells[1].textContent = value;
    });
    if (document.activeElement !== this.text) {
      this.text.value = i >= 0 ? textUpToNul(this.data.subarray(i), this.encoding.value) : '';
    }
    const [lo, hi] = this.selection();
    const field = this.ui.fieldAt?.(this.cursor);
    this.where.textContent = `cursor ${hexOffset(this.cursor)} (${this.cursor})` +
      (hi > lo ? `, selection ${hi - lo + 1} bytes` : '') + ` of ${size(this.size)}` +
      (field ? ` — field ${field.path}` : '') +
      (this.writable ? '' : ' — read-only') + (this.editing() ? ' — editing' : '');
    if (field?.path !== this.cursorField) {
      this.cursorField = field?.path;
      this.ui.cursor?.(this.cursor);
    }
  }

  selection() {
    return [Math.min(this.anchor, this.cursor), Math.max(this.anchor, this.cursor)];
  }

  /** Moves the cursor to off (clamped); extend keeps the selection's other end. The page follows. */
  moveTo(off, extend) {
    off = Math.max(0, Math.min(this.size - 1, off));
    this.cursor = off;
    if (!extend) this.anchor = off;
    this.nibble = null;
    let top = this.top;
    if (off < top) top = off - (off % COLS);
    else if (off >= top + PAGE) top = off - (off % COLS) - PAGE + COLS;
    this.setTop(top);
  }

  setTop(top) {
    const last = Math.max(0, Math.ceil(this.size / COLS) * COLS - PAGE);
    top = Math.max(0, Math.min(last, top));
    this.all = true;
    if (top !== this.top) {
      this.top = top;
      this.stream?.close();
      this.load(false);
    }
    this.schedule();
  }

  scrollRows(n) {
    this.setTop(this.top + n * COLS);
  }

  gotoOffset(text) {
    const n = parseOffset(text);
    if (Number.isNaN(n) || n < 0 || n >= this.size) {
      this.ui.error(new Error(`offset ${text} is not in 0 … ${this.size - 1}`));
      return;
    }
    this.moveTo(n, false);
    this.setTop(n - (n % COLS));
    this.grid.focus();
  }

  key(e) {
    const moves = {
      ArrowLeft: -1, ArrowRight: 1, ArrowUp: -COLS, ArrowDown: COLS, PageUp: -PAGE, PageDown: PAGE,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.moveTo(this.cursor + moves[e.key], e.shiftKey);
      return;
    }
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const row = this.cursor - (this.cursor % COLS);
      const to = e.ctrlKey ? (e.key === 'Home' ? 0 : this.size - 1) : (e.key === 'Home' ? row : row + COLS - 1);
      this.moveTo(to, e.shiftKey);
      return;
    }
    if (e.key === 'Escape') {
      this.nibble = null;
      this.anchor = this.cursor;
      this.all = true;
      this.schedule();
      return;
    }
    if (/^[0-9a-fA-F]$/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      this.typeHex(e.key.toLowerCase());
    }
  }

  /** Two hex digits make a byte, written at the cursor; the cursor then moves on. */
  async typeHex(d) {
    if (!this.editing()) {
      this.ui.note('Editing is off: turn on Edit to write into the mapping (a native program may be reading it)');
      return;
    }
    if (!this.writable) {
      this.ui.error(new Error(`${this.name} is open read-only`));
      return;
    }
    if (this.nibble == null) {
      this.nibble = d;
      this.dirty.add(this.cursor - this.top);
      this.schedule();
      return;
    }
    const off = this.cursor;
    const v = parseInt(this.nibble + d, 16);
    this.nibble = null;
    this.moveTo(off + 1, false);
    try {
      await writeAt(this.name, off, new Uint8Array([v]));
      this.apply(off, new Uint8Array([v])); // shown at once; the stream confirms it
    } catch (err) {
      this.ui.error(err);
    }
  }

  async writeText() {
    if (!this.editing()) {
      this.ui.note('Editing is off: turn on Edit to write into the mapping');
      return;
    }
    try {
      const enc = this.encoding.value;
      await writeText(this.name, this.cursor, this.text.value, enc);
      this.ui.note(`wrote the text (${enc}, NUL-terminated) at ${this.cursor}`);
      this.text.blur();
      this.load(true);
    } catch (err) {
      this.ui.error(err);
    }
  }

  mouse(e, down) {
    const i = e.target?.dataset?.i;
    if (i == null) return;
    e.preventDefault();
    this.grid.focus();
    this.moveTo(this.top + Number(i), !down || e.shiftKey);
  }

  setPaused(p) {
    this.paused = p;
    this.pauseButton.textContent = p ? 'Resume' : 'Pause';
    if (p) {
      this.stream?.close();
      this.stream = null;
      this.ui.status('paused');
    } else {
      this.load(true);
    }
  }

  async copy(how) {
    const [lo, hi] = this.selection();
    const n = hi - lo + 1;
    if (n > MAX_COPY) {
      this.ui.error(new Error(`select at most ${MAX_COPY} bytes to copy (${n} selected)`));
      return;
    }
    try {
      const b = await readBytes(this.name, lo, n);
      const text = formatBytes(b, how);
      await navigator.clipboard.writeText(text);
      this.ui.note(`copied ${n} bytes at ${lo} as ${how === 'c' ? 'a C array' : how}`);
    } catch (err) {
      this.ui.error(err);
    }
  }
}
