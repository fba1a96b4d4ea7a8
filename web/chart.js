// The chart: the fields pinned in the Fields pane, over the last N seconds, drawn by uPlot (vendored from its
// npm package by .ci/vendor-web; loaded when the first field is pinned, not with the page). Values arrive with each decoded message; the chart is redrawn at most once a
// frame. Pause freezes what is shown; "Export CSV" saves exactly that.

import { el } from './dom.js';

const COLORS = ['#2a6fdb', '#b03a8a', '#0b7a75', '#b8860b', '#6a3fb5', '#c0392b'];

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
    return { width: Math.max(200, this.plotBox.clientWidth), height: 180 };
  }

  /** Charts these paths from now on (a new set starts empty). */
  setPaths(paths) {
    this.paths = paths;
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

  /** Makes the plot, once uPlot is loaded. */
  create(uPlot) {
    const paths = this.paths;
    this.plot = new uPlot({
      ...this.size(),
      series: [{}, ...paths.map((p, i) => ({ label: p, stroke: COLORS[i % COLORS.length], width: 1.5 }))],
      axes: [{}, {}],
      scales: { x: { time: true } },
      legend: { live: false },
    }, [this.t, ...this.ys], this.plotBox);
    this.draw();
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
