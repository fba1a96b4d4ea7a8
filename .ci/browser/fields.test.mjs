// The Fields pane, the chart and the layout editor, as a newcomer met them: ACC's physics page (200 values)
// from a native producer, a filter and folding arrays to find a value in it, a pin out of the way until wanted,
// the layout picker not cut; two fields of very different size charted on axes of their own, every label
// whole; the editor's gutter on its lines whatever their length, the editor as wide as the pane, the picker
// kept on the layout being edited; the C mode's tables inside the editor.
//
// Run from the repository root: node --test --test-concurrency=1 .ci/browser/fields.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { api, base, bin, loggedIn, path, putLayout, unique, useDaemon, write } from './harness.mjs';

useDaemon('-layouts-dir', '-');

/** ACC's producer (testdata/bin/producers acc) running while f runs, its physics page open in a page of this
 * width, decoded by the catalogue's acc_physics. */
async function withACC(width, f) {
  const acc = spawn(bin('producers'), ['acc'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => acc.stdout.once('data', r)); // READY: ACC's pages are there
  const m = await api('POST', '/v1/mappings', { name: 'acpmf_physics', mode: 'open' });
  const { context, page } = await loggedIn({ width, height: 1000 });
  try {
    await page.goto(`${base}/#mapping=${encodeURIComponent(m.name)}`);
    await page.locator('#layout-select option[value="acc_physics"]').waitFor({ state: 'attached' });
    await page.selectOption('#layout-select', 'acc_physics');
    await page.locator('#fields-tree .field[data-path="speed_kmh"]').waitFor();
    await f(page);
  } finally {
    await context.close();
    acc.stdin.end();
    await api('DELETE', path('mappings', m.name)).catch(() => {});
  }
}

/** The rows of the tree a person sees (not hidden, nor in a folded array), by their data-path. */
const shownRows = (page) => page.locator('#fields-tree .field').evaluateAll((rows) => rows.filter((r) => r.checkVisibility()).map((r) => r.dataset.path));

test('fields: ACC\'s 200 values: arrays fold (a big one folded from the start, its items summed up), a filter by path, a pin seen on hover or focus, the picker whole', async () => {
  await withACC(1400, async (page) => {
    // The picker: the id and the producer's first name, and wide enough for it.
    assert.equal(await page.locator('#layout-select option[value="acc_physics"]').textContent(), 'acc_physics — Assetto Corsa Competizione');
    const cut = await page.evaluate(() => {
      const s = document.querySelector('#layout-select');
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = getComputedStyle(s).font;
      return ctx.measureText(s.selectedOptions[0].textContent).width + 24 - s.clientWidth; // 24: its arrow
    });
    assert.ok(cut <= 0, `the layout picker cuts its text by ${cut} px`);

    // An array of 4 structs (12 values) starts folded: its row says what it holds; unfolded, its items show.
    const tcp = page.locator('#fields-tree .field[data-path="tyre_contact_point"]');
    assert.equal(await tcp.locator('.ftoggle').getAttribute('aria-expanded'), 'false');
    assert.match(await tcp.locator('.fsum').textContent(), /^\[4\] \{…\}, \{…\}, \{…\}, \{…\}$/);
    assert.ok(!(await shownRows(page)).includes('tyre_contact_point[0].x'), 'a folded array shows its items');
    await tcp.locator('.ftoggle').click();
    await page.locator('#fields-tree .field[data-path="tyre_contact_point[0].x"]').waitFor();
    assert.equal(await tcp.locator('.fsum').textContent(), '');
    // An array of 4 numbers starts open; folded, its row sums it up as its rows say it, live.
    const temps = page.locator('#fields-tree .field[data-path="tyre_core_temperature"]');
    assert.equal(await temps.locator('.ftoggle').getAttribute('aria-expanded'), 'true');
    await temps.locator('.ftoggle').press('Enter'); // a keyboard folds it too
    await page.locator('#fields-tree .field[data-path="tyre_core_temperature[0]"]').waitFor({ state: 'hidden' });
    const [sum, items] = await page.evaluate(() => [
      document.querySelector('#fields-tree .field[data-path="tyre_core_temperature"] .fsum').textContent,
      [0, 1, 2, 3].map((i) => document.querySelector(`#fields-tree .field[data-path="tyre_core_temperature[${i}]"] .fvalue`).textContent),
    ]);
    assert.equal(sum, `[4] ${items.join(', ')}`);
    assert.match(sum, /^\[4\] \d/);

    // The filter: only the values whose path holds "slip", and the arrays holding them, open.
    await page.fill('#fields-filter', 'SLIP');
    const slips = await shownRows(page);
    const leaves = slips.filter((p) => !['wheel_slip', 'slip_ratio', 'slip_angle'].includes(p));
    assert.ok(leaves.length >= 12, `few rows for "slip": ${slips}`);
    for (const p of slips) assert.match(p, /slip/, `${p} shown by the filter "slip"`);
    assert.ok(slips.includes('wheel_slip[3]') && slips.includes('slip_vibrations'), slips.join(' '));
    assert.match(await page.locator('#fields-filter-count').textContent(), new RegExp(`^${leaves.length} of \\d{3} values$`));
    await page.fill('#fields-filter', '');
    assert.ok((await shownRows(page)).length > 150, 'the filter emptied, the tree is not whole again');
    assert.equal(await page.locator('#fields-tree .field[data-path="tyre_core_temperature[0]"]').isHidden(), true, 'what was folded is not folded again');

    // The pin: out of sight until its row is hovered; named for a screen reader; no "chart" button per row.
    assert.equal(await page.locator('#fields-tree button', { hasText: /^chart$/ }).count(), 0);
    const pin = page.locator('#fields-tree .field[data-path="rpms"] .pin');
    assert.equal(await pin.getAttribute('aria-label'), 'Pin rpms to the chart');
    const opacity = () => pin.evaluate((b) => Number(getComputedStyle(b).opacity));
    await page.mouse.move(0, 0);
    assert.equal(await opacity(), 0, 'a pin shows on a row not hovered');
    await page.hover('#fields-tree .field[data-path="rpms"] .fvalue');
    assert.equal(await opacity(), 1, 'the hovered row shows no pin');
    // By keyboard: Tab from the name reaches the pin (seen once focused), Space pins.
    await page.mouse.move(0, 0);
    await page.focus('#fields-tree .field[data-path="speed_kmh"] .fname');
    await page.keyboard.press('Tab');
    const focused = page.locator('#fields-tree .field[data-path="speed_kmh"] .pin:focus');
    await focused.waitFor();
    assert.equal(await focused.evaluate((b) => getComputedStyle(b).opacity), '1');
    await page.keyboard.press('Space');
    await page.locator('#chart-pane').waitFor();
    assert.equal(await focused.getAttribute('aria-pressed'), 'true');
    await page.mouse.move(0, 0);
    await page.locator('#fields-tree').focus();
    assert.equal(await page.locator('#fields-tree .field[data-path="speed_kmh"] .pin').evaluate((b) => getComputedStyle(b).opacity), '1', 'a pinned field\'s pin hides');
  });
});

test('fields: the picker whole at 800 px; a byte of a folded array picked in the hex view unfolds it to its row', async () => {
  await withACC(800, async (page) => {
    const fits = await page.evaluate(() => {
      const s = document.querySelector('#layout-select');
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = getComputedStyle(s).font;
      return ctx.measureText(s.selectedOptions[0].textContent).width + 24 <= s.clientWidth;
    });
    assert.ok(fits, 'the layout picker cuts its text at 800 px');
    const fields = (await api('GET', '/v1/layouts/acc_physics')).fields;
    const f = fields.find((x) => x.path === 'tyre_contact_point[2].y');
    const row = page.locator('#fields-tree .field[data-path="tyre_contact_point[2].y"]');
    assert.equal(await row.isHidden(), true, 'an item of tyre_contact_point shows before it is unfolded');
    await page.click(`#grid .b[data-i="${f.offset}"]`);
    await page.locator('#fields-tree .field.cur[data-path="tyre_contact_point[2].y"]').waitFor();
    assert.equal(await row.isVisible(), true);
    // An array's name selects the bytes of all its items.
    const items = fields.filter((x) => x.path.startsWith('tyre_contact_point['));
    const [first, end] = [items[0].offset, items.at(-1).offset + items.at(-1).size];
    assert.equal(end - first, 48);
    await page.locator('#fields-tree .field[data-path="tyre_contact_point"] .fname').click();
    for (const i of [first, end - 1]) await page.locator(`#grid .b.sel[data-i="${i}"]`).waitFor();
    for (const i of [first - 1, end]) assert.doesNotMatch(await page.locator(`#grid .b[data-i="${i}"]`).getAttribute('class'), /\bsel\b/);
  });
});

/** A mapping of two f4 fields far apart in size (an engine's rpm, a speed in m/h), open in a page of this width
 * with its layout, both fields pinned, the chart holding at least 10 points of each. */
async function twoScales(width) {
  const id = unique(`scales${width}`).replaceAll('-', '_');
  await putLayout(id, `meta:\n  id: ${id}\n  endian: le\nseq:\n  - id: rpm\n    type: f4\n  - id: speed\n    type: f4\n`);
  const name = unique(`scales${width}`);
  await api('POST', '/v1/mappings', { name, size: 8, layout: id });
  const { context, page } = await loggedIn({ width, height: 1000 });
  await page.goto(`${base}/#mapping=${encodeURIComponent(name)}`);
  for (const p of ['rpm', 'speed']) await page.click(`#fields-tree .field[data-path="${p}"] .pin`);
  await page.locator('#chart-pane').waitFor();
  const frame = Buffer.alloc(8);
  for (let n = 0; n < 10 || (await page.locator('#chart').getAttribute('data-points')) < 10; n++) {
    frame.writeFloatLE(4800 + 40 * (n % 10), 0);
    frame.writeFloatLE(128000 + 700 * (n % 7), 4);
    await write(name, 0, frame);
    const seen = String(4800 + 40 * (n % 10));
    await page.waitForFunction((v) => document.querySelector('#fields-tree .field[data-path="rpm"] .fvalue').textContent === v, seen);
  }
  const done = async () => {
    await context.close();
    await api('DELETE', path('mappings', name) + '?unlink=true');
    await api('DELETE', `/v1/layouts/${id}`);
  };
  return { page, done };
}

/** What the chart draws, read from its uPlot (the labels are drawn on a canvas, not put in the page): each
 * shown axis' side, colour and scale, and the box of each tick label (page pixels), beside the chart's box. */
const axesDrawn = (page) => page.evaluate(() => {
  const box = document.querySelector('#chart');
  const u = box.uplot;
  const over = u.over.getBoundingClientRect();
  const ctx = document.createElement('canvas').getContext('2d');
  const axes = u.axes.filter((a) => a._show).map((a) => {
    const el = a._el.getBoundingClientRect();
    const scale = u.scales[a.scale];
    ctx.font = a.font[0];
    const ticks = (a.ticks.show ? a.ticks.size : 0) + a.gap;
    const px = a.font[1]; // the font's size, in page pixels
    const labels = a._values.map((text, i) => {
      const lines = String(text).split('\n'); // the time's: 12:21:14 over its date
      const w = Math.max(...lines.map((t) => ctx.measureText(t).width)) / devicePixelRatio;
      const at = u.valToPos(a._splits[i], a.scale); // from the plot's top or left
      if (a.side === 2) return { text, left: over.left + at - w / 2, right: over.left + at + w / 2, top: el.top + ticks, bottom: el.top + ticks + px * a.lineGap * lines.length };
      const [left, right] = a.side === 3 ? [el.right - ticks - w, el.right - ticks] : [el.left + ticks, el.left + ticks + w];
      return { text, left, right, top: over.top + at - px / 2, bottom: over.top + at + px / 2 };
    });
    return { side: a.side, scale: a.scale, min: scale.min, max: scale.max, stroke: a.stroke(u, u.axes.indexOf(a)), labels };
  });
  const b = box.getBoundingClientRect();
  return { box: { left: b.left, right: b.right, top: b.top, bottom: b.bottom }, axes, strokes: u.series.slice(1).map((s) => s._stroke), domAxes: box.querySelectorAll('.u-axis').length };
});

for (const width of [1400, 800]) {
  test(`charts at ${width} px: two fields of very different size, a scale and an axis each (left, right, in their colours), every tick label inside the chart`, async () => {
    const { page, done } = await twoScales(width);
    try {
      const { box, axes, strokes, domAxes } = await axesDrawn(page);
      assert.equal(domAxes, 3, 'the time, and an axis per field');
      const [x, rpm, speed] = axes;
      assert.equal(x.side, 2);
      assert.deepEqual([rpm.side, speed.side], [3, 1], 'the axes are not left and right');
      assert.notEqual(rpm.scale, speed.scale);
      // Each scale spans its own field: rpm's is not stretched to the speed's 130,000.
      assert.ok(rpm.max < 10000 && rpm.min > 1000, `rpm's scale: ${rpm.min}…${rpm.max}`);
      assert.ok(speed.min > 50000, `speed's scale: ${speed.min}…${speed.max}`);
      assert.deepEqual([rpm.stroke, speed.stroke], strokes, 'an axis is not in its series\' colour');
      assert.ok(speed.labels.some((l) => /^1\d\d,\d{3}$/.test(l.text)), `speed's labels: ${speed.labels.map((l) => l.text)}`);
      for (const a of axes) {
        assert.ok(a.labels.length >= 2, `an axis with ${a.labels.length} labels`);
        for (const l of a.labels) {
          const inside = l.left >= box.left - 0.5 && l.right <= box.right + 0.5 && l.top >= box.top - 0.5 && l.bottom <= box.bottom + 0.5;
          assert.ok(inside, `the label ${l.text} (side ${a.side}) is cut: ${JSON.stringify(l)} in ${JSON.stringify(box)}`);
        }
      }
      // The rpm's labels do not run into the plot: its axis is as wide as its longest label.
      const plotLeft = await page.evaluate(() => document.querySelector('#chart').uplot.over.getBoundingClientRect().left);
      for (const l of rpm.labels) assert.ok(l.right <= plotLeft, `${l.text} runs into the plot`);
    } finally {
      await done();
    }
  });
}

/** A 16-byte mapping with a layout of its own (a saved .ksy of four u4), open in a page of this width, its
 * editor open on that layout. */
async function editorPage(what, width) {
  const id = unique(what).replaceAll('-', '_');
  const ksy = `meta:\n  id: ${id}\n  endian: le\nseq:\n` + ['a', 'b', 'c', 'd'].map((f) => `  - id: ${f}\n    type: u4\n`).join('');
  await putLayout(id, ksy);
  const name = unique(what);
  await api('POST', '/v1/mappings', { name, size: 16, layout: id });
  const { context, page } = await loggedIn({ width, height: 1000 });
  await page.goto(`${base}/#mapping=${encodeURIComponent(name)}`);
  await page.locator('#fields-tree .field[data-path="d"]').waitFor();
  await page.click('#layout-editor-toggle');
  await page.waitForFunction(() => document.querySelector('#layout-source').value.includes('id: d'));
  const done = async () => {
    await context.close();
    await api('DELETE', path('mappings', name) + '?unlink=true');
    await api('DELETE', `/v1/layouts/${id}`);
  };
  return { page, id, done };
}

/** The top (page pixels) of line n of the layout's textarea, as it scrolls: its padding, n - 1 lines, less what
 * is scrolled away; and the top of the gutter's mark of line n. */
const tops = (page, n) => page.evaluate((n) => {
  const ta = document.querySelector('#layout-source');
  const cs = getComputedStyle(ta);
  const line = ta.getBoundingClientRect().top + ta.clientTop + parseFloat(cs.paddingTop) + parseFloat(cs.lineHeight) * (n - 1) - ta.scrollTop;
  const mark = document.querySelector(`#editor-gutter .ln.err[data-line="${n}"]`).getBoundingClientRect().top;
  return { line, mark };
}, n);

test('the layout editor at 1400 px: a line wider than the editor scrolls sideways, the gutter\'s marks stay beside their lines as it scrolls; as wide as the pane, 16 lines high', async () => {
  const { page, id, done } = await editorPage('gutter', 1400);
  try {
    // As wide as the Fields pane, and 16 lines high at least.
    const [pane, editor, lines] = await page.evaluate(() => [
      document.querySelector('#fields').clientWidth,
      document.querySelector('#layout-editor').getBoundingClientRect().width,
      document.querySelector('#layout-source').clientHeight / parseFloat(getComputedStyle(document.querySelector('#layout-source')).lineHeight),
    ]);
    assert.ok(pane > 600, `the Fields pane is ${pane} px wide at 1400 px`);
    assert.ok(editor >= pane - 40, `the editor is ${editor} px wide in a pane of ${pane}`);
    assert.ok(lines >= 16, `the editor shows ${lines.toFixed(1)} lines`);

    // A doc line of 400 characters at line 5, then the fields; a bad type at line 14 and at the last line.
    const doc = 'A line longer than the editor is wide, ' + 'the quick brown fox jumps over the lazy dog. '.repeat(8);
    const fields = Array.from({ length: 24 }, (_, i) => `  - id: f${i}\n    type: ${i === 3 || i === 23 ? 'u9' : 'u1'}\n`).join('');
    const text = `meta:\n  id: ${id}\n  endian: le\n  title: wide\ndoc: ${doc}\nseq:\n${fields}`;
    const [first, last] = [14, text.split('\n').length - 1];
    assert.equal(text.split('\n')[first - 1], '    type: u9');
    assert.equal(text.split('\n')[last - 1], '    type: u9');
    await page.fill('#layout-source', text);
    await page.locator(`#editor-gutter .ln.err[data-line="${last}"]`).waitFor();
    assert.equal(await page.locator('#editor-gutter .ln.err').count(), 2);
    const wide = await page.evaluate(() => ((ta) => ta.scrollWidth > ta.clientWidth)(document.querySelector('#layout-source')));
    assert.ok(wide, 'the long line does not run past the editor (it wrapped?)');
    const near = ({ line, mark }, what) => assert.ok(Math.abs(line - mark) <= 2, `${what}: the mark is at ${mark}, its line at ${line}`);
    near(await tops(page, first), `line ${first}, unscrolled`);
    // Scrolled to the end (and sideways): the gutter follows, the last line's mark beside it.
    await page.evaluate(() => ((ta) => ta.scrollTo(ta.scrollWidth, ta.scrollHeight))(document.querySelector('#layout-source')));
    await page.waitForFunction(() => document.querySelector('#editor-gutter').scrollTop === document.querySelector('#layout-source').scrollTop);
    assert.ok(await page.evaluate(() => document.querySelector('#layout-source').scrollTop > 0));
    near(await tops(page, last), `line ${last}, scrolled to the end`);
    // The gutter stays the textarea's height: the page does not grow with its lines.
    const [g, t] = await page.evaluate(() => ['#editor-gutter', '#layout-source'].map((s) => document.querySelector(s).getBoundingClientRect().height));
    assert.ok(Math.abs(g - t) <= 1, `the gutter is ${g} px high beside a textarea of ${t}`);
  } finally {
    await done();
  }
});

test('the layout editor keeps the picker on the layout it edits ("editing: … (unsaved)"); closed, the layout is watched again', async () => {
  const { page, id, done } = await editorPage('picker', 1400);
  try {
    await page.fill('#layout-source', (await page.inputValue('#layout-source')).replace('- id: d\n', '- id: e\n'));
    await page.locator('#fields-tree .field[data-path="e"]').waitFor();
    await page.locator('#fields-status', { hasText: `editing: ${id} (unsaved)` }).waitFor();
    assert.equal(await page.inputValue('#layout-select'), id);
    await page.click('#layout-editor-toggle');
    await page.locator('#fields-status', { hasText: `decoded by ${id}` }).waitFor();
    await page.locator('#fields-tree .field[data-path="d"]').waitFor();
    assert.equal(await page.inputValue('#layout-select'), id);
  } finally {
    await done();
  }
});

// A C struct with a name long enough that its .ksy and its offsets table are wider than a narrow pane.
const longC = `#include <stdint.h>

struct rig_frame_with_a_name_long_enough_to_widen_the_tables {
  uint32_t sequence_number_of_this_frame_as_the_rig_counts_them_from_its_start;
  uint8_t mode;
  double timestamp_in_seconds_since_the_rig_was_powered_on_by_its_operator;
};
`;

for (const width of [1400, 800]) {
  test(`the layout editor in C at ${width} px: the offsets and the .ksy made stay inside the editor, the page does not scroll sideways`, async () => {
    const { page, done } = await editorPage(`c${width}`, width);
    try {
      await page.selectOption('#editor-lang', 'c');
      await page.fill('#layout-source', longC);
      await page.selectOption('#editor-abi', 'linux-amd64');
      await page.locator('#editor-offsets tr.pad').waitFor();
      await page.waitForFunction(() => !document.querySelector('#editor-generated').classList.contains('stale'));
      assert.deepEqual(await page.locator('#editor-offsets tr.pad td').allTextContents(), ['5', '3', 'padding', '']);
      const boxes = await page.evaluate(() => Object.fromEntries(['#layout-editor', '#editor-offsets', '#editor-ksy', '#layout-source'].map((s) => {
        const r = document.querySelector(s).getBoundingClientRect();
        return [s, { left: r.left, right: r.right }];
      })));
      const ed = boxes['#layout-editor'];
      for (const s of ['#editor-offsets', '#editor-ksy', '#layout-source']) {
        assert.ok(boxes[s].left >= ed.left - 0.5 && boxes[s].right <= ed.right + 0.5, `${s} runs out of the editor: ${JSON.stringify(boxes[s])} in ${JSON.stringify(ed)}`);
      }
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `the page scrolls sideways at ${width} px: ${scroll} px wide`);
      // The .ksy's long lines scroll inside its box.
      assert.ok(await page.evaluate(() => ((k) => k.scrollWidth > k.clientWidth)(document.querySelector('#editor-ksy'))), 'the .ksy shown wraps or is cut');
    } finally {
      await done();
    }
  });
}
