// The chart: the fields pinned in the Fields pane, over the last N seconds, drawn by uPlot (vendored from its
// npm package by .ci/vendor-web; loaded when the first field is pinned, not with the page). Values arrive with
// each decoded message; the chart is redrawn at most once a frame. Each unit has a scale and an axis of its own
// (each field, where the layout gives no unit: rpm near 5,000 beside a speed near 130,000 would draw flat on
// one), the axes left and right in turn, each as wide as its longest label and in its series' colour. Pause
// freezes what is shown; "Export CSV" saves exactly that.

import { el } from './dom.js';

const COLORS = ['#2a6fdb', '#b03a8a', '#0b7a75', '#b8860b', '#6a3fb5', '#c0392b'];
const color = (i) => COLORS[i % COLORS.length];
const HEIGHT = 200;

/** The scale of each path: its unit's (u:km/h), else its own (p:path). */
export function scaleKeys(paths, units = new Map()) {
  return paths.map((p) => (units.has(p) ? `u:${units.get(p)}` : `p:${p}`));
}

/** An axis' size (a y axis' width): its widest tick label, measured in its font, beside its ticks and their
 * gap, so that no label is cut (uPlot's default is a fixed 50 px: 50,000 showed as 0,000). uPlot asks again
 * while the sizes move the ticks: from the third time, the size it has stays. */
function fitLabels(u, values, i, cycle) {
  const axis = u.axes[i];
  if (cycle > 1) return axis._size;
  let width = 0;
  u.ctx.font = axis.font[0]; // in canvas pixels: devicePixelRatio times the page's
  for (const v of values || []) {
    for (const line of String(v).split('\n')) width = Math.max(width, u.ctx.measureText(line).width / devicePixelRatio);
  }
  return Math.ceil(width + (axis.ticks.show ? axis.ticks.size : 0) + axis.gap + 2);
}

/** The time axis' labels, one line each (uPlot's default puts the date under the first, wider than the room
 * left of the plot: it was cut), with tenths or hundredths of a second while the ticks are that close. */
function timeLabels(u, splits, i, space, incr) {
  const digits = incr >= 0.999 ? 0 : incr >= 0.0999 ? 1 : 2;
  return splits.map((t) => {
    const d = new Date(t * 1000);
    const hms = d.toTimeString().slice(0, 8);
    return digits ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0').slice(0, digits)}` : hms;
  });
}

/** The room left or right of the plot: half a time label sticks out of either end of the time axis, into the
 * y axis on that side, or, where there is none, into this. */
const sidePad = (side) => (u, _, axes) => (axes[side] ? 12 : 36);

export class Chart {
  constructor(root, ui) {
    this.root = root;
    this.ui = ui;
    this.paths = [];
    this.t = [];
    this.ys = [];
    this.seconds = 30;
    this.paused = false;
    const bar = el('div', 'toolbar');
    const h = el('h3', '', 'Chart');
    this.span = el('select');
    this.span.id = 'chart-span';
    this.span.setAttribute('aria-label', 'Seconds shown');
    for (const s of [10, 30, 60, 300]) {
      const o = el('option', '', `last ${s} s`);
      o.value = s;
      this.span.append(o);
    }
    this.span.value = '30';
    this.span.addEventListener('change', () => (this.seconds = Number(this.span.value)));
    this.pauseButton = el('button', 'small', 'Pause');
    this.pauseButton.id = 'chart-pause';
    this.pauseButton.addEventListener('click', () => {
      this.paused = !this.paused;
      this.pauseButton.textContent = this.paused ? 'Resume' : 'Pause';
    });
    const csv = el('button', 'small', 'Export CSV');
    csv.id = 'chart-csv';
    csv.addEventListener('click', () => this.exportCSV());
    bar.append(h, this.span, this.pauseButton, csv);
    this.plotBox = el('div', 'plot');
    this.plotBox.id = 'chart';
    root.append(bar, this.plotBox);
    root.hidden = true;
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.plotBox);
  }

  size() {
    return { width: Math.max(200, this.plotBox.clientWidth), height: HEIGHT };
  }

  /** Charts these paths from now on (a new set starts empty); units (path → unit) puts the fields of a unit
   * on one scale. */
  setPaths(paths, units = new Map()) {
    this.paths = paths;
    this.units = units;
    this.t = [];
    this.ys = paths.map(() => []);
    this.plot?.destroy();
    this.plot = null;
    this.root.hidden = paths.length === 0;
    if (!paths.length) return;
    (this.lib ??= import('./uplot.esm.js')).then(({ default: uPlot }) => {
      if (this.paths === paths) this.create(uPlot);
    }, (err) => this.ui.note(`the chart did not load: ${err.message}`));
  }

  /** Makes the plot, once uPlot is loaded: a scale and an axis for each unit (or field). */
  create(uPlot) {
    const paths = this.paths;
    const keys = scaleKeys(paths, this.units);
    const scales = [...new Set(keys)];
    this.plot = new uPlot({
      ...this.size(),
      series: [{}, ...paths.map((p, i) => ({ label: p, scale: keys[i], stroke: color(i), width: 1.5 }))],
      axes: [{ values: timeLabels, space: 90 }, ...scales.map((k, j) => this.axis(k, j, keys))],
      scales: { x: { time: true } },
      padding: [null, sidePad(1), null, sidePad(3)],
      legend: { live: false },
    }, [this.t, ...this.ys], this.plotBox);
    this.plotBox.uplot = this.plot; // the browser tests read its axes (their labels are drawn, not in the page)
    this.draw();
  }

  /** The axis of scale key, the jth: left, right, left…; in its field's colour (a unit's several fields: the
   * page's, and the unit as its label); the grid is the first one's. */
  axis(key, j, keys) {
    const first = keys.indexOf(key);
    const shared = keys.lastIndexOf(key) !== first;
    const stroke = shared ? '#1d1f21' : color(first);
    const axis = { scale: key, side: j % 2 ? 1 : 3, stroke, size: fitLabels, ticks: { stroke } };
    axis.grid = { show: j === 0 }; // one grid: a second, of other values, would only cross it
    if (shared) Object.assign(axis, { label: key.slice(2), labelSize: 16 });
    return axis;
  }

  /** Adds the pinned fields' values ([path, value] pairs) at time at (seconds). */
  push(values, at) {
    if (!this.paths.length || this.paused) return;
    const byPath = new Map(values);
    this.t.push(at);
    this.paths.forEach((p, i) => {
      const v = byPath.get(p);
      this.ys[i].push(typeof v === 'number' ? v : null);
    });
    let drop = 0;
    while (drop < this.t.length && this.t[drop] < at - this.seconds) drop++;
    if (drop) {
      this.t.splice(0, drop);
      for (const y of this.ys) y.splice(0, drop);
    }
    this.draw();
  }

  draw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot?.setData([this.t, ...this.ys]);
      this.plotBox.dataset.points = String(this.t.length);
    });
  }

  exportCSV() {
    const esc = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    const lines = [['time', ...this.paths].map(esc).join(',')];
    this.t.forEach((t, k) => lines.push([new Date(t * 1000).toISOString(), ...this.ys.map((y) => (y[k] ?? ''))].join(',')));
    const a = el('a');
    a.href = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
    a.download = 'shmbridge-chart.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    this.ui.note(`exported ${this.t.length} rows of ${this.paths.length} field(s) as CSV`);
  }
}
