// The dashboard in a real browser: Debian's chromium, headless, driven by playwright-core; a real daemon; real
// native peers (testdata/peers, C) on the other side of the memory.
//
//   node --test dashboard.test.mjs                     the Linux daemon (testdata/bin/shmbridge), every case
//   DASHBOARD_OS=windows node --test dashboard.test.mjs  the Windows binary under Wine: the live-update case
//
// Run from the repository root by .ci/test (which builds the binaries and peers). Measures, and prints, the
// figures the README quotes: navigation to the first hex row of a 1 GiB mapping, and with a native writer at
// 100 Hz the delay from a write to the page showing it, and long tasks. SCREENSHOT=path saves a screenshot.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const windows = process.env.DASHBOARD_OS === 'windows';
const root = new URL('../../', import.meta.url).pathname;
const bin = (f) => root + 'testdata/bin/' + f;
const token = randomBytes(18).toString('base64url');
const suffix = randomBytes(4).toString('hex');
const unique = (s) => `dash-${s}-${suffix}`;

let daemon;
let base;
let loginURL;
let browser;

/** Runs a native peer to completion and answers its output. */
function peer(...args) {
  const [cmd, argv] = windows ? ['wine', [bin('sync_peer.exe'), ...args]] : [bin('sync_peer'), args];
  return execFileSync(cmd, argv, { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The name a native peer opens the mapping by: Local\X on Windows, X (/dev/shm/X) on Linux. */
const nativeName = (name) => (windows ? name : name.replace(/^Local\\/, ''));

/** Calls the API with the token, as a script would. */
async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const path = (kind, name, rest = '') => `/v1/${kind}/${encodeURIComponent(name)}${rest}`;

before(async () => {
  // In a terminal the daemon prints the dashboard's login URL (as Jupyter does): `script` gives it one. Under
  // Wine the daemon's handles are not a Windows console, so there the test makes the URL from the address.
  const [cmd, args] = windows
    ? ['wine', [bin('shmbridge.exe'), '-listen', '127.0.0.1:0']]
    : ['script', ['-qfec', `${bin('shmbridge')} -listen 127.0.0.1:0`, '/dev/null']];
  daemon = spawn(cmd, args, { env: { ...process.env, SHMBRIDGE_TOKEN: token }, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  loginURL = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no dashboard URL in the log:\n' + log)), 120000);
    const read = (d) => {
      log += d;
      const m = /msg="dashboard: open this URL to log in" url="?(http:\/\/[^"\s]+)/.exec(log);
      const listening = /msg="shmbridge listening" addr=(http:\/\/\S+)/.exec(log);
      if (m || (windows && listening)) {
        clearTimeout(timer);
        resolve(m ? m[1] : `${listening[1]}/?token=${token}`);
      }
    };
    daemon.stdout.on('data', read);
    daemon.stderr.on('data', read);
    daemon.on('exit', (code) => reject(new Error(`daemon exited (${code}):\n${log}`)));
  });
  base = new URL(loginURL).origin;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  if (daemon) {
    const exited = new Promise((r) => daemon.on('exit', r));
    if (windows) daemon.kill('SIGINT');
    else daemon.stdin.write('\x03'); // Ctrl+C on the terminal: the daemon stops cleanly
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15000))]);
    daemon.kill('SIGKILL');
  }
  // A failed test leaves its names behind (the daemon closes what it holds at exit, but does not unlink).
  if (!windows) for (const f of readdirSync('/dev/shm')) if (f.startsWith('dash-') && f.endsWith(suffix)) rmSync('/dev/shm/' + f);
});

/** A new browser context (its own cookies) logged in through the URL from the log, on the dashboard. */
async function loggedIn() {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(loginURL);
  await page.locator('#main').waitFor();
  return { context, page };
}

/** Creates a mapping through the dashboard's form; its view opens. */
async function createFromForm(page, name, size) {
  await page.fill('#create-mapping [name=name]', name);
  await page.fill('#create-mapping [name=size]', size);
  await page.click('#create-mapping button');
  await page.locator('#mappings tbody tr', { hasText: name }).waitFor();
  await page.locator('.view-title', { hasText: name }).waitFor();
}

const cell = (page, i) => page.locator(`#grid .b[data-i="${i}"]`);

test('the live view: a native writer\'s bytes appear highlighted, without a reload', async () => {
  const { context, page } = await loggedIn();
  const name = `Local\\${unique('live')}`;
  await createFromForm(page, name, '4096');
  await page.locator('#conn[data-state="live"]').waitFor();
  // sync_peer tick: 40 times, every 25 ms, the count at 0 and its low byte over bytes 4-63.
  const done = new Promise((resolve, reject) => {
    const [cmd, argv] = windows ? ['wine', [bin('sync_peer.exe')]] : [bin('sync_peer'), []];
    const p = spawn(cmd, [...argv, 'tick', nativeName(name), '-', '40', '25'], { stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sync_peer tick: exit ${code}`))));
  });
  await page.locator('#grid .b.chg').first().waitFor({ timeout: 10000 }); // lit while they change
  await done;
  await page.waitForFunction(() => document.querySelector('#grid .b[data-i="0"]').textContent === '28'); // 40
  assert.equal(await cell(page, 63).textContent(), '28');
  await page.locator('#grid .b.chg').first().waitFor({ state: 'detached', timeout: 5000 }); // then they fade

  // Paused, the page keeps what it showed; resumed, it catches up.
  await page.click('#pause');
  await page.locator('#conn[data-state="paused"]').waitFor();
  peer('tick', nativeName(name), '-', '2', '10'); // the count goes to 2
  await page.waitForTimeout(300);
  assert.equal(await cell(page, 0).textContent(), '28', 'a paused view changed');
  await page.click('#pause');
  await page.locator('#conn[data-state="live"]').waitFor();
  await page.waitForFunction(() => document.querySelector('#grid .b[data-i="0"]').textContent === '02');
  await api('DELETE', path('mappings', name) + '?unlink=true');
  await context.close();
});

test('the stream drops when the daemon goes away, the indicator says so, and the view reconnects by itself', { skip: windows }, async () => {
  // A daemon of this test's own, on a port that stays the same across its restart.
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = `127.0.0.1:${srv.address().port}`;
  srv.close();
  const start = () => {
    const d = spawn(bin('shmbridge'), ['-listen', addr], { env: { ...process.env, SHMBRIDGE_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve) => d.stderr.on('data', (b) => String(b).includes('shmbridge listening') && resolve(d)));
  };
  let d = await start();
  const own = `http://${addr}`;
  const call = (method, p, body) => fetch(own + p, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  const name = unique('drop');
  assert.equal((await call('POST', '/v1/mappings', { name, size: 4096 })).status, 201);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${own}/?token=${token}#mapping=${encodeURIComponent(name)}`);
  await page.locator('#conn[data-state="live"]').waitFor();
  d.kill('SIGKILL');
  await page.locator('#conn[data-state="offline"], #conn[data-state="reconnecting"]').waitFor();
  d = await start();
  try {
    // The new daemon holds nothing: open the name again (a native program kept it alive in /dev/shm).
    assert.equal((await call('POST', '/v1/mappings', { name, mode: 'open' })).status, 201);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 20000 });
    peer('tick', name, '-', '3', '10');
    await page.waitForFunction(() => document.querySelector('#grid .b[data-i="0"]').textContent === '03');
  } finally {
    await call('DELETE', path('mappings', name) + '?unlink=true');
    d.kill('SIGINT');
    await context.close();
  }
});

test('the 401 page explains where the token is and takes it pasted', { skip: windows }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + '/');
  await page.locator('#login').waitFor();
  assert.match(await page.locator('#login').textContent(), /token file/);
  await page.fill('#login-token', 'not-the-token');
  await page.click('#login-form button');
  await page.locator('#login-why', { hasText: "not this daemon's" }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the wrong token stays in the address bar');
  await page.fill('#login-token', token);
  await page.click('#login-form button');
  await page.locator('#main').waitFor();
  assert.equal(new URL(page.url()).search, '');
  await context.close();
});

test('log in through the URL: an HttpOnly, SameSite=Strict cookie; the token leaves the address bar', { skip: windows }, async () => {
  assert.match(loginURL, /\/\?token=/);
  const { context, page } = await loggedIn();
  assert.equal(page.url(), base + '/');
  const [cookie] = await context.cookies();
  assert.equal(cookie.name, 'shmbridge_token');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the cookie');
  await context.close();
});

test('an edit in the grid is read back by a native peer; keyboard navigation', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  const name = unique('edit');
  await createFromForm(page, name, '64k');
  // A failure shows the problem's title and detail.
  await page.fill('#create-mapping [name=name]', name);
  await page.fill('#create-mapping [name=size]', '64k');
  await page.click('#create-mapping button');
  await page.locator('#message-title', { hasText: /exists/i }).waitFor();
  assert.match(await page.locator('#message-detail').textContent(), new RegExp(name));
  await page.click('#grid .b[data-i="0"]');
  await page.keyboard.type('48690a'); // "Hi\n"
  await page.waitForFunction(() => document.querySelector('#grid .b[data-i="2"]').textContent === '0a');
  const read = execFileSync(bin('shm_peer'), ['read', name, 'utf8'], { encoding: 'utf8' }).trim();
  assert.equal(read, '48690a', 'the native peer reads what was typed');

  const cursorAt = (hex) => page.locator('.where', { hasText: new RegExp(`^cursor ${hex} `) }).waitFor();
  await page.click('#grid .b[data-i="0"]');
  await page.keyboard.press('ArrowRight');
  await cursorAt('00000001');
  await page.keyboard.press('ArrowDown');
  await cursorAt('00000011');
  await page.keyboard.press('PageDown');
  await cursorAt('00000211');
  await page.locator('#grid .addr').first().filter({ hasText: '00000020' }).waitFor(); // the page followed the cursor
  await page.keyboard.press('PageUp');
  await page.keyboard.press('ArrowLeft');
  await cursorAt('00000010');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.locator('.where', { hasText: 'selection 3 bytes' }).waitFor();
  await page.fill('#goto', '0x8010');
  await page.press('#goto', 'Enter');
  await cursorAt('00008010');
  await page.locator('#grid .addr').first().filter({ hasText: '00008010' }).waitFor();
  await page.keyboard.press('Control+End');
  await cursorAt('0000ffff');
  await api('DELETE', path('mappings', name) + '?unlink=true');
  await context.close();
});

test('inspector, endianness, text pane (UTF-16LE), copy as hex / base64 / C array, byte classes', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = unique('inspect');
  await createFromForm(page, name, '4096');
  // At 0: 01 00 00 00; at 16: "Hé" in UTF-16LE, NUL-terminated; at 32: 00 09 41 07 c3.
  const put = async (query, body, type = 'application/octet-stream') => {
    const res = await fetch(`${base}${path('mappings', name, '/data?' + query)}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
    assert.equal(res.status, 200, await res.text());
  };
  await put('offset=0', new Uint8Array([1, 0, 0, 0]));
  await put('offset=16&encoding=utf-16le&nul=true', 'Hé', 'text/plain; charset=utf-8');
  await put('offset=32', new Uint8Array([0, 9, 0x41, 7, 0xc3]));
  await page.waitForFunction(() => document.querySelector('#grid .b[data-i="32"]').nextElementSibling.textContent === '09');
  // The side panes follow the cursor on the next frame: wait for what they should show.
  const esc = (x) => x.replace(/[.*+?^${}()|[\]\\']/g, '\\$&');
  const valueIs = (label, want) => page.locator('#inspector tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) })
    .locator('td', { hasText: new RegExp(`^${esc(want)}$`) }).waitFor({ timeout: 5000 });
  await page.click('#grid .b[data-i="0"]');
  await valueIs('int32', '1');
  await valueIs('uint64', '1');
  await page.check('#big-endian');
  await valueIs('int32', '16777216');
  await page.uncheck('#big-endian');
  await page.click('#grid .b[data-i="16"]');
  await page.selectOption('#text-encoding', 'utf-16le');
  await page.waitForFunction(() => document.querySelector('#text').value === 'Hé');
  await valueIs('UTF-16', "'H' U+0048");
  // Byte classes, as hexyl colours them.
  const classes = await page.$$eval('#grid .b', (cs) => cs.slice(32, 37).map((c) => c.classList[1]));
  assert.deepEqual(classes, ['null', 'space', 'print', 'ascii', 'high']);
  // Select 32…35 and copy.
  await page.click('#grid .b[data-i="32"]');
  await page.click('#grid .b[data-i="35"]', { modifiers: ['Shift'] });
  const copied = async (how) => {
    await page.click(`[data-copy="${how}"]`);
    await page.locator('#message', { hasText: 'copied 4 bytes' }).waitFor();
    return page.evaluate(() => navigator.clipboard.readText());
  };
  assert.equal(await copied('hex'), '00 09 41 07');
  assert.equal(await copied('base64'), 'AAlBBw==');
  assert.equal(await copied('c'), 'const unsigned char data[4] = {\n  0x00, 0x09, 0x41, 0x07\n};');
  // Text typed into the pane is written at the cursor.
  await page.click('#grid .b[data-i="64"]');
  await page.selectOption('#text-encoding', 'utf-8');
  await page.fill('#text', 'typed');
  await page.click('#write-text');
  const res = await fetch(`${base}${path('mappings', name, '/data?offset=64&length=6')}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array([...Buffer.from('typed'), 0]));
  await api('DELETE', path('mappings', name) + '?unlink=true');
  await context.close();
});

test('an event set by a native peer flashes; set/reset buttons; a mutex acquired and released', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  const ev = unique('ev');
  await page.fill('#create-event [name=name]', ev);
  await page.check('#create-event [name=manual_reset]');
  await page.click('#create-event button');
  const row = page.locator('#events tbody tr', { hasText: ev });
  await row.waitFor();
  const map = unique('evmap');
  await api('POST', '/v1/mappings', { name: map, size: 4096 });
  await page.waitForTimeout(300); // the signal stream opens after the list shows the event
  peer('tick', map, ev, '1', '10'); // SetEvent (futex wake), ResetEvent 5 ms later
  await page.waitForFunction((n) => [...document.querySelectorAll('#events tbody tr')].some((r) => r.dataset.name === n && r.classList.contains('flash')), ev);
  const seen = Number(await row.locator('.signals').textContent());
  assert.ok(seen >= 1);
  await row.locator('button[data-action=pulse]').click(); // a pulse is seen too
  await page.waitForFunction(([n, k]) => Number([...document.querySelectorAll('#events tbody tr')].find((r) => r.dataset.name === n).cells[4].textContent) > k, [ev, seen]);
  await row.locator('button[data-action=set]').click();
  await row.locator('td', { hasText: /^signaled$/ }).waitFor();
  await row.locator('button[data-action=reset]').click();
  await row.locator('td', { hasText: /^not signaled$/ }).waitFor();

  const mx = unique('mx');
  await page.fill('#create-mutex [name=name]', mx);
  await page.click('#create-mutex button');
  const mrow = page.locator('#mutexes tbody tr', { hasText: mx });
  await mrow.locator('button[data-action=acquire]').click();
  await mrow.locator('td', { hasText: /^locked$/ }).waitFor();
  await mrow.locator('td', { hasText: 'this daemon' }).waitFor();
  await mrow.locator('button[data-action=release]').click();
  await mrow.locator('td', { hasText: /^unlocked$/ }).waitFor();
  for (const [kind, n] of [['events', ev], ['mutexes', mx], ['mappings', map]]) await api('DELETE', path(kind, n) + '?unlink=true');
  await context.close();
});

test('a name that is HTML shows literally and runs nothing', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  const name = `<img src=x onerror="window.pwned=1">${suffix}`;
  await api('POST', '/v1/mappings', { name, size: 4096 });
  const cellText = page.locator('#mappings tbody td', { hasText: name });
  await cellText.waitFor();
  assert.equal(await cellText.textContent(), name);
  assert.equal(await page.locator('img').count(), 0, 'no element was made from the name');
  await page.locator('#mappings tbody tr', { hasText: name }).locator('button[data-action=view]').click();
  assert.equal(await page.locator('.view-title').textContent(), name);
  await page.click('#os-refresh');
  await page.locator('#os-objects td', { hasText: name }).waitFor();
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await api('DELETE', path('mappings', name) + '?unlink=true');
  await context.close();
});

test('what the OS has: a native program\'s name is listed and opens with one click', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  const name = unique('native');
  const holder = spawn(bin('shm_peer'), ['write', name, 'utf8', 'from C'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((r) => holder.stdout.once('data', r)); // READY
  try {
    await page.click('#os-refresh');
    const row = page.locator('#os-objects tbody tr', { hasText: name });
    await row.locator('button[data-action=open]').click();
    await page.locator('.view-title', { hasText: name }).waitFor();
    await row.locator('td', { hasText: 'held (mapping)' }).waitFor();
    await page.selectOption('#text-encoding', 'utf-8');
    await page.waitForFunction(() => document.querySelector('#text').value === 'from C');
  } finally {
    holder.stdin.end(); // it unlinks and exits
  }
  await api('DELETE', path('mappings', name));
  await context.close();
});

test('measured: the first hex row of a 1 GiB mapping; a native writer at 100 Hz shown within 100 ms, no long task', { skip: windows }, async () => {
  const { context, page } = await loggedIn();
  const big = unique('1gib');
  await api('POST', '/v1/mappings', { name: big, size: 1 << 30 });
  // From navigation (a new page, following a link to the view) to the first row of bytes on screen.
  const firstRows = [];
  for (let i = 0; i < 5; i++) {
    await page.goto('about:blank');
    await page.goto(`${base}/#mapping=${encodeURIComponent(big)}`);
    firstRows.push(await page.evaluate(() => new Promise((resolve, reject) => {
      setTimeout(() => reject(new Error('no shmbridge:first-row mark in 10 s')), 10000);
      new PerformanceObserver((list, obs) => {
        const m = list.getEntries().find((e) => e.name === 'shmbridge:first-row');
        if (m) {
          obs.disconnect();
          resolve(m.startTime);
        }
      }).observe({ type: 'mark', buffered: true });
    })));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`# first hex row of a 1 GiB mapping: median ${median(firstRows).toFixed(0)} ms from navigation (runs: ${firstRows.map((x) => x.toFixed(0)).join(', ')})`);
  assert.ok(median(firstRows) < 500, `first row after ${median(firstRows)} ms`);

  // A native writer stamps the time (ms since 1970, uint64 LE) at 0, 100 times a second, for 3 s.
  const name = unique('stamp');
  await api('POST', '/v1/mappings', { name, size: 4096 });
  await page.goto('about:blank');
  await page.goto(`${base}/#mapping=${encodeURIComponent(name)}`);
  await page.locator('#conn[data-state="live"]').waitFor();
  await page.evaluate(() => {
    window.delays = [];
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    const cells = [...document.querySelectorAll('#grid .b')].slice(0, 8);
    new MutationObserver(() => {
      const bytes = cells.map((c) => parseInt(c.textContent, 16));
      const ms = bytes.reduceRight((acc, b) => acc * 256 + b, 0);
      if (ms > 1e12) window.delays.push(Date.now() - ms);
    }).observe(document.querySelector('#grid'), { subtree: true, childList: true, characterData: true });
  });
  // A long task in one 3 s window can be this 2-core VM, not the page: CI once saw a single 56 ms task while
  // every frame's update took 11-20 ms. Such a window is measured again, up to three windows; a page whose
  // own work makes long tasks makes them in every window and fails. Every window's figures are printed.
  const runs = [];
  for (let w = 1; w <= 3; w++) {
    await page.evaluate(() => {
      window.delays = [];
      window.longTasks = [];
    });
    peer('stamp', name, '300', '10');
    const { delays, longTasks } = await page.evaluate(() => ({ delays: window.delays, longTasks: window.longTasks }));
    delays.sort((a, b) => a - b);
    const p99 = delays[Math.floor(delays.length * 0.99)];
    console.log(`# native writer at 100 Hz, window ${w}: ${delays.length} updates shown, write to screen median ${median(delays)} ms, p99 ${p99} ms, max ${delays.at(-1)} ms; long tasks: ${longTasks.length ? longTasks.map((d) => d.toFixed(0) + ' ms').join(', ') : 'none'}`);
    runs.push({ delays, p99, longTasks });
    if (!longTasks.length) break;
  }
  for (const { delays, p99 } of runs) {
    assert.ok(delays.length > 100, `only ${delays.length} updates shown`);
    assert.ok(p99 < 100, `p99 ${p99} ms from write to screen`);
  }
  assert.deepEqual(runs.at(-1).longTasks, [], 'long tasks (over 50 ms) in each of three windows');

  if (process.env.SCREENSHOT) {
    await api('POST', '/v1/events', { name: unique('DataReady'), manual_reset: true });
    await api('POST', '/v1/mutexes', { name: unique('Lock') });
    await page.goto('about:blank');
    await page.goto(`${base}/#mapping=${encodeURIComponent(name)}`);
    await page.locator('#conn[data-state="live"]').waitFor();
    peer('tick', name, '-', '20', '20');
    await page.click('#grid .b[data-i="8"]');
    await page.screenshot({ path: process.env.SCREENSHOT });
    console.log(`# screenshot: ${process.env.SCREENSHOT}`);
  }
  for (const n of [big, name]) await api('DELETE', path('mappings', n) + '?unlink=true');
  await context.close();
});
