// The Recordings section: record what is in view (its layout's frames, or its bytes), list the recordings,
// stop, download, replay one into the mapping in view, delete. Names go into the page as text, never as HTML.

import { call, get, objectPath, post } from './api.js';
import { duration, size } from './bytes.js';
import { actions, button, el, setName, syncRows } from './dom.js';

/** When a recording started, as the list shows it: the time today, else the date and time. */
function started(iso) {
  const t = new Date(iso);
  const today = t.toDateString() === new Date().toDateString();
  return today ? t.toLocaleTimeString() : t.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** Saves bytes as a file called name: a link to a blob, clicked. */
function save(bytes, name) {
  const a = el('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

export class Recordings {
  /**
   * @param {HTMLElement} root the section
   * @param {{error: (e: Error) => void, note: (s: string) => void, inView: () => {name: string, layout: string} | null,
   *          act: (action: () => any) => () => Promise<void>}} ui act: a button's click (the action, then a refresh)
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.replays = new Map(); // mapping → recording id, of the replays this page started
    this.refreshes = 0; // refreshes started
    this.tbody = root.querySelector('tbody');
    this.recordButton = root.querySelector('#record');
    this.interval = root.querySelector('#record-interval');
    this.replayStatus = root.querySelector('#replay-status');
    this.recordButton.addEventListener('click', () => this.record().catch(ui.error));
  }

  /** Starts a recording of the mapping in view: by the layout its Fields pane decodes it with, else its bytes. */
  async record() {
    const v = this.ui.inView();
    if (!v) throw new Error('open a mapping first: the recording is of the mapping in view');
    const req = { mapping: v.name, interval: this.interval.value.trim() || '100ms' };
    if (v.layout) req.layout = v.layout;
    else req.offset = 0; // its bytes, even when it has a default layout the pane is not showing
    const r = await post('/v1/recordings', req);
    this.ui.note(`recording ${v.name}${v.layout ? ` by ${v.layout}` : ''} (${r.id})`);
    await this.refresh();
  }

  /** Fills the list. Callers need not wait for it: a refresh that a newer one overtook draws nothing. */
  async refresh() {
    const seq = ++this.refreshes;
    const list = await get('/v1/recordings');
    if (seq !== this.refreshes) return;
    const v = this.ui.inView();
    this.recordButton.disabled = !v;
    this.recordButton.title = v ? `record ${v.name}${v.layout ? ` by its layout ${v.layout}` : ', its bytes'}` : 'open a mapping to record it';
    syncRows(this.tbody, list.slice().reverse(), 6, (tr, r) => this.fill(tr, r), 'id'); // the newest first
    await this.refreshReplays();
  }

  fill(tr, r) {
    const c = tr.cells;
    const text = (td, t) => {
      if (td.textContent !== t) td.textContent = t; // unchanged cells left alone
    };
    setName(c[0], r.mapping, `${started(r.started)} · ${r.id}`);
    text(c[1], r.layout || `bytes ${r.offset}+${r.length}`);
    text(c[2], r.state === 'stopped' && r.reason && r.reason !== 'stopped' ? `stopped: ${r.reason}` : r.state);
    c[2].title = r.problem || '';
    text(c[3], String(r.frames));
    text(c[4], `${size(r.bytes)}, ${duration(Math.round(r.duration))}`);
    const b = (label, action) => button(label, this.ui.act(action));
    const acts = [];
    if (r.state === 'recording') acts.push(b('Stop', () => post(`/v1/recordings/${r.id}/stop`)));
    acts.push(b('Download', () => this.download(r)));
    for (const format of ['CSV', 'Parquet']) {
      const e = b(format, () => this.export(r, format.toLowerCase()));
      e.disabled = !r.layout; // a recording of bytes: its fields need a layout named (GET …/fields?layout=)
      e.title = r.layout ? `its fields by ${r.layout}, a row per frame, as ${format}` : 'a recording of bytes has no fields: record by a layout to export them';
      acts.push(e);
    }
    if (r.state === 'stopped') acts.push(b('Replay', () => this.replay(r))); // into the mapping in view when clicked
    acts.push(b('Delete', () => call('DELETE', `/v1/recordings/${r.id}`)));
    actions(c[5], ...acts);
  }

  /** Downloads the file: fetched with the tab's session (a link could not carry it), saved from a blob. */
  async download(r) {
    save(await get(`/v1/recordings/${r.id}`, { as: 'bytes' }), `${r.id}.shmrec`);
  }

  /** Downloads its fields as a table (GET …/fields?format=csv or parquet), a row per frame. */
  async export(r, format) {
    save(await get(`/v1/recordings/${r.id}/fields?format=${format}`, { as: 'bytes' }), `${r.id}.${format}`);
    this.ui.note(`exported ${r.id} as ${format === 'csv' ? 'CSV' : 'Parquet'}`);
  }

  async replay(r) {
    const mapping = this.ui.inView()?.name;
    if (!mapping) throw new Error('open the mapping to replay into first');
    await post(objectPath('mapping', mapping, '/replay'), { recording: r.id });
    this.replays.set(mapping, r.id);
    this.ui.note(`replaying ${r.id} into ${mapping}`);
  }

  /** The state of the replays this page started: a line each (its last state), with its Stop while it plays. */
  async refreshReplays() {
    const lines = [];
    for (const [mapping] of this.replays) {
      let p;
      try {
        p = await get(objectPath('mapping', mapping, '/replay'));
      } catch {
        this.replays.delete(mapping); // the mapping is gone, and its replay with it
        continue;
      }
      const line = el('div', 'replay', `replay of ${p.recording} into ${mapping}: ${p.state}, ${p.frames} frames${p.loops ? `, ${p.loops} loops` : ''} `);
      if (p.state === 'playing') line.append(button('Stop replay', this.ui.act(() => call('DELETE', objectPath('mapping', mapping, '/replay')))));
      lines.push(line);
    }
    const key = lines.map((l) => l.textContent).join('\n');
    if (this.replayStatus.dataset.key !== key) {
      this.replayStatus.dataset.key = key;
      this.replayStatus.replaceChildren(...lines);
    }
  }
}
