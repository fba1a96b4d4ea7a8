// The Tokens section: make a scoped token for a mapping (read, for an overlay; or write), show its secret once
// with the overlay link that carries it, list the tokens (never a secret), revoke one. Names go into the page
// as text, never as HTML.

import { call, get, post } from './api.js';
import { actions, button, setName, syncRows } from './dom.js';

/** The overlay page's link for a read token: its settings in the fragment, which no request carries. */
export function overlayLink(origin, { mapping, layout, fields, token }) {
  const p = new URLSearchParams({ mapping });
  if (layout) p.set('layout', layout);
  if (fields) p.set('fields', fields);
  p.set('access_token', token);
  return `${origin}/pages/overlay/#${p}`;
}

export class Tokens {
  /**
   * @param {HTMLElement} root the section
   * @param {{error: (e: Error) => void, note: (s: string) => void, inView: () => {name: string, layout: string} | null,
   *          act: (action: () => any) => () => Promise<void>}} ui act: a button's click (the action, then a refresh)
   */
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.refreshes = 0;
    this.form = root.querySelector('#create-token');
    this.made = root.querySelector('#token-made');
    this.secret = root.querySelector('#token-secret');
    this.link = root.querySelector('#token-link');
    this.tbody = root.querySelector('tbody');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.make().catch(ui.error);
    });
    this.field('mapping').addEventListener('focus', () => this.fillFromView());
    root.querySelector('#token-copy').addEventListener('click', () => this.copy().catch(ui.error));
  }

  /** The form's input called name, its value trimmed by value(name). */
  field(name) {
    return this.form.elements.namedItem(name);
  }

  value(name) {
    return this.field(name).value.trim();
  }

  /** An empty mapping (and layout) field takes the mapping in view's, as a suggestion. */
  fillFromView() {
    const v = this.ui.inView();
    if (!v) return;
    if (!this.value('mapping')) this.field('mapping').value = v.name;
    if (!this.value('layout')) this.field('layout').value = v.layout;
  }

  /** Makes the token the form describes, and shows its secret (this once) and its overlay link. */
  async make() {
    const mapping = this.value('mapping');
    const t = await post('/v1/tokens', { name: this.value('label'), scope: this.value('scope'), mappings: [mapping] });
    this.secret.value = t.token;
    this.made.dataset.id = t.id;
    const link = t.scope === 'read';
    this.link.value = link
      ? overlayLink(location.origin, { mapping, layout: this.value('layout'), fields: this.value('fields'), token: t.token })
      : '';
    this.link.hidden = !link;
    this.root.querySelector('#token-copy').hidden = !link;
    this.made.hidden = false;
    this.ui.note(`token ${t.name} made (${t.id}): copy it now, it is not shown again`);
    await this.refresh();
  }

  /** Copies the overlay link: the clipboard, or (where the page may not write it) the selected text. */
  async copy() {
    this.link.select();
    try {
      await navigator.clipboard.writeText(this.link.value);
    } catch {
      document.execCommand('copy');
    }
    this.ui.note('overlay link copied');
  }

  /** Fills the list. A refresh that a newer one overtook draws nothing. */
  async refresh() {
    const seq = ++this.refreshes;
    const list = await get('/v1/tokens');
    if (seq !== this.refreshes) return;
    syncRows(this.tbody, list.slice().reverse(), 6, (tr, t) => this.fill(tr, t), 'id'); // the newest first
  }

  fill(tr, t) {
    const c = tr.cells;
    const text = (td, s) => {
      if (td.textContent !== s) td.textContent = s;
    };
    setName(c[0], t.name);
    text(c[1], t.scope);
    setName(c[2], t.mappings.join(', '));
    text(c[3], when(t.last_used) || 'never');
    text(c[4], when(t.expires) || 'never');
    c[3].title = `made ${when(t.created)}`;
    actions(c[5], button('Revoke', this.ui.act(() => this.revoke(t))));
  }

  async revoke(t) {
    await call('DELETE', `/v1/tokens/${encodeURIComponent(t.id)}`);
    if (this.made.dataset.id === t.id) {
      this.made.hidden = true;
      this.secret.value = this.link.value = '';
    }
    this.ui.note(`token ${t.name} revoked: its requests are refused, its streams ended`);
  }
}

/** A time as the page shows it: local, to the minute ("" for none). */
function when(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '';
}
