// What the browser tests share: a real daemon (the Linux build, or the Windows one under Wine), Debian's
// chromium driven by playwright-core, native peers (testdata/peers, C), and the steps every test takes (log in,
// call the API, wait for a condition). A test file calls useDaemon() once, at its top level.
//
// Run from the repository root by .ci/test (which builds the binaries and peers).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const windows = process.env.DASHBOARD_OS === 'windows';
export const root = new URL('../../', import.meta.url).pathname;
export const bin = (f) => root + 'testdata/bin/' + f;
/** The daemon under test: testdata/bin/shmbridge (or .exe), or SHMBRIDGE_BIN. */
const daemonBin = () => process.env.SHMBRIDGE_BIN || bin(windows ? 'shmbridge.exe' : 'shmbridge');
export const token = randomBytes(18).toString('base64url');
export const suffix = randomBytes(4).toString('hex');
/** A name of this run's own (removed from /dev/shm after it): dash-s-<suffix>. */
export const unique = (s) => `dash-${s}-${suffix}`;

export let daemon; // the daemon useDaemon started: its process
export let base; // its base URL
export let loginURL; // its login link (none under Wine)
export let browser;

/**
 * Starts a daemon (with these further flags) and chromium before the file's tests, and stops both after them;
 * what a failed test left in /dev/shm under this run's names is removed. The daemon keeps its recordings and
 * layouts in a directory of the run's own, removed after: a user's are not touched, nor a run's kept.
 */
export function useDaemon(...args) {
  const dir = mkdtempSync(join(tmpdir(), 'shmbridge-browser-'));
  before(async () => {
    const own = ['-recordings-dir', join(dir, 'recordings'), '-layouts-dir', join(dir, 'layouts')];
    ({ proc: daemon, base, loginURL } = await startDaemon('127.0.0.1:0', ...own, ...args));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    if (daemon) await stopDaemon(daemon);
    // A failed test leaves its names behind (the daemon closes what it holds at exit, but does not unlink).
    if (!windows) for (const f of readdirSync('/dev/shm')) if (f.startsWith('dash-') && f.endsWith(suffix)) rmSync('/dev/shm/' + f);
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Runs a native peer to completion and answers its output. */
export function peer(...args) {
  const [cmd, argv] = windows ? ['wine', [bin('sync_peer.exe'), ...args]] : [bin('sync_peer'), args];
  return execFileSync(cmd, argv, { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The name a native peer opens the mapping by: Local\X on Windows, X (/dev/shm/X) on Linux. */
export const nativeName = (name) => (windows ? name : name.replace(/^Local\\/, ''));

/** Calls the daemon's API (or another's, at its base) with the token, as a script would. */
export async function api(method, path, body, at = base) {
  const res = await fetch(at + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Writes bytes into a mapping at offset, as a script would (at the daemon at, by default this file's). */
export async function write(name, offset, bytes, at = base) {
  const res = await fetch(`${at}${path('mappings', name, `/data?offset=${offset}`)}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  assert.ok(res.ok, `PUT ${name} at ${offset}: ${res.status} ${await res.text()}`);
}

/** Saves a layout through the API (a .ksy as YAML). */
export async function putLayout(id, ksy) {
  const res = await fetch(`${base}/v1/layouts/${id}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/yaml' }, body: ksy });
  assert.ok(res.ok, `PUT /v1/layouts/${id}: ${res.status} ${await res.text()}`);
}

/** A small layout as a .ksy: a count, a level, padding, a speed and a driver's name (a string of driver bytes),
 * 12 + driver bytes in all. */
export const carKsy = (id, driver = 48) => `meta:
  id: ${id}
  endian: le
seq:
  - id: count
    type: u4
  - id: level
    type: u1
  - size: 3
  - id: speed
    type: f4
  - id: driver
    type: strz
    size: ${driver}
    encoding: UTF-8
`;

/** The path of an object of the API: /v1/mappings/NAME… */
export const path = (kind, name, rest = '') => `/v1/${kind}/${encodeURIComponent(name)}${rest}`;

/**
 * Starts a daemon at addr (with these further flags) and answers it, its base URL and its login link. In a
 * terminal the daemon prints the dashboard's login link, with a one-time code: `script` gives it one. Under Wine
 * the daemon's handles are not a Windows console: there is no link, and the tests log in with the form.
 */
export async function startDaemon(addr, ...args) {
  const [cmd, argv] = windows
    ? ['wine', [daemonBin(), '-listen', addr, ...args]]
    : ['script', ['-qfec', [daemonBin(), '-listen', addr, ...args].join(' '), '/dev/null']];
  const proc = spawn(cmd, argv, { env: { ...process.env, SHMBRIDGE_TOKEN: token }, stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no dashboard URL in the log:\n' + log)), 120000);
    const read = (d) => {
      log += d;
      const m = /msg="dashboard: open this link to log in[^"]*" url="?(http:\/\/[^"\s]+)/.exec(log);
      const listening = /msg="shmbridge listening" addr=(http:\/\/\S+)/.exec(log);
      if (listening && (m || windows)) {
        clearTimeout(timer);
        resolve({ proc, base: listening[1], loginURL: m?.[1] });
      }
    };
    proc.stdout.on('data', read);
    proc.stderr.on('data', read);
    proc.on('exit', (code) => reject(new Error(`daemon exited (${code}):\n${log}`)));
  });
}

/** Stops a daemon startDaemon started: Ctrl+C on its terminal (SIGINT under Wine), then SIGKILL after 15 s. */
export async function stopDaemon(proc) {
  const exited = new Promise((r) => proc.on('exit', r));
  if (windows) proc.kill('SIGINT');
  else proc.stdin.write('\x03');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15000))]);
  proc.kill('SIGKILL');
}

/** A new browser context, on the dashboard, logged in with the form (the token pasted). */
export async function loggedIn(viewport = { width: 1600, height: 1000 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  await page.goto(base + '/');
  await logInWithForm(page);
  return { context, page };
}

/** Logs the page in with the form: the token pasted. */
export async function logInWithForm(page) {
  await page.locator('#login-token').waitFor();
  await page.fill('#login-token', token);
  await page.click('#login-form button');
  await page.locator('#main').waitFor();
}

/** Creates a mapping through the dashboard's form; its view opens. */
export async function createFromForm(page, name, size) {
  await page.fill('#create-mapping [name=name]', name);
  await page.fill('#create-mapping [name=size]', size);
  await page.click('#create-mapping button');
  await page.locator('#mappings tbody tr', { hasText: name }).waitFor();
  await page.locator('.view-title', { hasText: name }).waitFor();
}

/** Waits until f() is true (checked every 20 ms, for up to 30 s). */
export async function waitUntil(f) {
  for (const end = Date.now() + 30000; !f(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
}
