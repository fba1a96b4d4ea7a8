// The demo: the page's empty state. While no mapping is in view it says what the dashboard does and offers the
// demo (POST /v1/demo: fake producers writing the games' own pages, so that a first visit sees the dashboard
// work without a game); while the demo plays it lists the demo's mappings, each with Open, and Stop (DELETE
// /v1/demo). The section's content is made here; names go into the page as text, never as HTML.

import { Problem, call, get, objectPath, post } from './api.js';
import { actions, button, el, setName, syncRows, tableOf } from './dom.js';

const INTRO = [
  'shmbridge puts named shared memory — what games, sensor tools and programs share on this machine — on HTTP.',
  'Open a mapping from the lists to see its bytes change live, its fields decoded by a layout, and a chart of any of them.',
  'No game running? The demo plays a car lapping a track into the pages of Assetto Corsa Competizione, rFactor 2 and iRacing, and HWiNFO\'s sensors.',
];

export class Demo {
  /**
   * @param {HTMLElement} root the section
   * @param {{error: (e: Error) => void, note: (s: string) => void, open: (m: object) => void, changed: () => void,
   *          act: (action: () => any) => () => Promise<void>}} ui act: a button's click (the action, then a refresh);
   *          open: opens a mapping (as POST /v1/mappings answers it) in the view; changed: the demo started or
   *          stopped (what the OS has changed)
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.refreshes = 0; // refreshes started
    this.build();
  }

  /** The section's content: what the dashboard does, the demo's state, its buttons and its mappings. */
  build() {
    this.state = el('p', 'demo-state');
    this.startButton = button('Start the demo', this.ui.act(() => this.start()));
    this.stopButton = button('Stop the demo', this.ui.act(() => this.stop()));
    this.stopButton.hidden = true;
    const table = tableOf('objects demo-list', ['Mapping', 'Playing', '']);
    table.hidden = true;
    this.table = table;
    this.tbody = table.tBodies[0];
    this.refused = el('p', 'small demo-refused');
    this.refused.hidden = true;
    const buttons = el('div', 'demo-actions');
    buttons.append(this.startButton, this.stopButton);
    this.root.replaceChildren(el('h2', null, 'Welcome'), ...INTRO.map((t) => el('p', 'demo-intro', t)),
      buttons, this.state, table, this.refused);
  }

  /** Shows the demo's state: one GET a poll. Callers need not wait for it: a refresh that a newer one overtook
   * draws nothing. */
  async refresh() {
    const seq = ++this.refreshes;
    const d = await get('/v1/demo');
    if (seq === this.refreshes) this.draw(d);
  }

  /** Draws the demo's state d (GET /v1/demo's answer). */
  draw(d) {
    const playing = d.playing;
    const rows = playing.flatMap((p) => p.mappings.map((m) => ({ ...m, producer: p.producer, title: p.title })));
    this.startButton.hidden = playing.length > 0;
    this.stopButton.hidden = playing.length === 0;
    this.table.hidden = rows.length === 0;
    const state = playing.length ? `The demo plays ${playing.map((p) => p.title).join(', ')}: open a page to watch it.` : '';
    if (this.state.textContent !== state) this.state.textContent = state;
    this.state.hidden = !state;
    syncRows(this.tbody, rows, 3, (tr, m) => this.fill(tr, m));
    const refused = (d?.refused || []).map((r) => `${r.producer} left out: ${r.reason}`).join('\n');
    if (this.refused.textContent !== refused) this.refused.textContent = refused;
    this.refused.hidden = !refused;
  }

  fill(tr, m) {
    const c = tr.cells;
    setName(c[0], m.name, m.layout);
    if (c[1].textContent !== m.title) c[1].textContent = m.title;
    actions(c[2], button('Open', () => this.open(m).catch(this.ui.error)));
  }

  async start() {
    const d = await post('/v1/demo');
    this.draw(d);
    this.ui.changed(); // its names are new on this system
    this.ui.note(`the demo plays ${d.playing.map((p) => p.producer).join(', ')}${d.refused?.length ? `; left out: ${d.refused.map((r) => r.producer).join(', ')}` : ''}`);
  }

  async stop() {
    await call('DELETE', '/v1/demo');
    this.ui.changed();
    this.ui.note('the demo stopped; what it made is removed');
  }

  /** Opens a demo page in the view, read-only, by its catalogue layout: the daemon opens it as a game's page,
   * or answers the one it holds; a hold it cannot share (another file) is asked for as it is. */
  async open(m) {
    let mapping;
    try {
      mapping = await post('/v1/mappings', { name: m.name, mode: 'open', access: 'read' });
    } catch (err) {
      if (!(err instanceof Problem) || err.status !== 409) throw err;
      mapping = await get(objectPath('mapping', m.name));
    }
    this.ui.open({ ...mapping, layout: mapping.layout || m.layout });
  }

  /** Shows the section, or hides it (a mapping is in view). */
  show(visible) {
    this.root.hidden = !visible;
  }
}
