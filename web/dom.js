// The one way the dashboard makes elements and fills its tables: a tag, a class, and text (never HTML); rows
// kept across refreshes; a cell's buttons replaced only when they change.

import { printable } from './bytes.js';

/** el creates an element with a class and text (never HTML). */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

/** tableOf makes a table of class cls with a header row of these headings and an empty body (its tBodies[0]). */
export function tableOf(cls, headings) {
  const t = el('table', cls);
  const tr = el('tr');
  for (const h of headings) tr.append(el('th', null, h));
  t.append(el('thead'), el('tbody'));
  t.tHead.append(tr);
  return t;
}

/** button makes a button that calls onClick when clicked; its data-action is its label in lower case. */
export function button(label, onClick, cls) {
  const b = el('button', cls, label);
  b.dataset.action = label.toLowerCase();
  b.addEventListener('click', onClick);
  return b;
}

/** Puts these buttons (or texts) in td, unless the same ones are there already (a click in progress keeps its
 * button). */
export function actions(td, ...nodes) {
  const key = nodes.map((n) => n.textContent).join('|');
  if (td.dataset.key !== key) {
    td.dataset.key = key;
    td.replaceChildren(...nodes);
  }
}

/** Puts a name in a cell: as text (never HTML), escaped where it could pass for another, with a line break
 * allowed after each backslash, underscore or slash (Local\\ | acpmf_ | physics), never inside a word; note, if
 * given, on a line of its own under it, smaller. */
export function setName(td, name, note = '') {
  const key = name + '\n' + note;
  if (td.dataset.n === key) return;
  td.dataset.n = key;
  const nodes = [];
  for (const part of printable(name).split(/(?<=[\\_/])/)) nodes.push(document.createTextNode(part), document.createElement('wbr'));
  nodes.pop();
  if (note) nodes.push(el('div', 'note', note));
  td.replaceChildren(...nodes);
}

/** Keeps one row of cols cells per item in tbody, in the items' order, each known by the item's key (its name,
 * or its id: the row's data-name or data-id); fill(tr, item) fills its cells. A row is made once, and rows
 * already in their places stay put: a row's flash, and a button being clicked, survive a refresh. */
export function syncRows(tbody, items, cols, fill, key = 'name') {
  const old = new Map([...tbody.rows].map((tr) => [tr.dataset[key], tr]));
  const rows = items.map((it) => {
    let tr = old.get(it[key]);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset[key] = it[key];
      for (let i = 0; i < cols; i++) tr.append(document.createElement('td'));
    }
    fill(tr, it);
    return tr;
  });
  const same = rows.length === tbody.rows.length && rows.every((tr, i) => tbody.rows[i] === tr);
  if (!same) tbody.replaceChildren(...rows);
}
