// The dashboard's Publishers and Mirrors sections in a real browser (Debian's chromium, playwright-core) against
// real peers: a metrics publisher's gauges on the daemon's /metrics, an MQTT publisher's messages at Debian's
// mosquitto (a broker of the test's own, and its mosquitto_sub), a mirror of a second daemon's mapping.
//
//   node --test --test-concurrency=1 .ci/browser/publishers.test.mjs
//
// Run from the repository root by .ci/test (which builds the binaries). Without mosquitto the MQTT case is
// skipped, with its reason; in CI (CI=true) it fails.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, base, carKsy, loggedIn, putLayout, write, path, startDaemon, stopDaemon, suffix, token, unique, useDaemon } from './harness.mjs';

const inMemory = ['-publishers-dir', '-', '-mirrors-file', '-']; // nothing kept past the test
useDaemon(...inMemory);

const layoutID = `dash_pub_${suffix}`;

const u32 = (n) => new Uint8Array(new Uint32Array([n]).buffer);

/** A mapping decoded by the test's layout (a string among its numbers), its count at 7, open in the page's
 * view by its View button. */
async function mappingInView(what) {
  await putLayout(layoutID, carKsy(layoutID, 16));
  const name = `Local\\${unique(what)}`;
  await api('POST', '/v1/mappings', { name, size: 28, layout: layoutID });
  await write(name, 0, u32(7));
  await write(name, 12, new TextEncoder().encode('<b>x</b>'));
  const { context, page } = await loggedIn();
  await page.locator('#mappings tbody tr', { hasText: unique(what) }).locator('button[data-action=view]').click();
  await page.locator('#fields-tree .field[data-path="driver"]').waitFor();
  return { context, page, name };
}

/** The daemon's /metrics, as Prometheus scrapes it. */
async function metrics() {
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
  assert.ok(res.ok);
  return res.text();
}

/** A row's cells as the page shows them (a cell's lines joined by \n). */
const cells = async (row) => row.locator('td').allInnerTexts();

/** The section fits its column (the lists', 34em): no sideways scroll. */
async function fits(page, id) {
  const [scroll, client] = await page.locator(`#${id}`).evaluate((s) => [s.scrollWidth, s.clientWidth]);
  assert.ok(scroll <= client, `#${id} scrolls sideways: ${scroll} px in ${client}`);
}

test('publishers: a metrics publisher of the mapping in view, from the form: listed with its gauges, on /metrics, deleted', async () => {
  const { context, page, name } = await mappingInView('pub-metrics');
  const pubs = page.locator('#publishers');
  await pubs.locator('.pub-from', { hasText: `mapping ${name} by layout ${layoutID}, all fields` }).waitFor();
  await pubs.locator('select[name=kind]').selectOption('metrics');
  assert.ok(await pubs.locator('input[name=topic]').isHidden(), 'a metrics publisher has no topic');

  // A 4xx is shown, its detail the daemon's.
  await pubs.locator('input[name=metric]').fill('shmbridge_mine');
  await pubs.locator('button', { hasText: 'Publish' }).click();
  await page.locator('#message', { hasText: 'not a metric name of its own' }).waitFor();
  assert.deepEqual(await api('GET', '/v1/publishers'), []);

  const metric = `dash_pub_${suffix}`;
  await pubs.locator('input[name=metric]').fill(metric);
  await pubs.locator('button', { hasText: 'Publish' }).click();
  const row = pubs.locator('tbody tr', { hasText: metric });
  await row.waitFor();
  // No field charted: every numeric field, a gauge each (the string left out, which the daemon would refuse).
  assert.deepEqual(await cells(row), [`${name}\n${layoutID}`, `metrics\n${metric}`, '—', '3 gauges', '—', 'Delete']);
  await fits(page, 'publishers');
  const id = await row.getAttribute('data-id');
  const [p] = await api('GET', '/v1/publishers');
  assert.deepEqual([p.id, p.fields], [id, ['count', 'level', 'speed']]);
  assert.match(await metrics(), new RegExp(`^${metric}\\{field="count",publisher="${id}"\\} 7$`, 'm'));

  await row.locator('button[data-action=delete]').click();
  await page.waitForFunction((id) => !document.querySelector(`#publishers tr[data-id="${id}"]`), id);
  assert.deepEqual(await api('GET', '/v1/publishers'), []);
  assert.doesNotMatch(await metrics(), new RegExp(`^${metric}\\{`, 'm'));
  await api('DELETE', path('mappings', name) + '?unlink=true');
  await api('DELETE', `/v1/layouts/${layoutID}`);
  await context.close();
});

const mosquitto = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto_sub'].every((f) => {
  try {
    execFileSync('test', ['-x', f]);
    return true;
  } catch {
    return false;
  }
});
const noBroker = !mosquitto && process.env.CI !== 'true' && 'no mosquitto here (apt-get install mosquitto mosquitto-clients)';

/** A free port of 127.0.0.1 (asked of the OS, then closed for the broker to take). */
async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/** Starts Debian's mosquitto on a free port and answers it once it takes connections. */
async function startBroker() {
  assert.ok(mosquitto, 'CI=true needs Debian\'s mosquitto and mosquitto-clients');
  const port = await freePort();
  const proc = spawn('/usr/sbin/mosquitto', ['-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let exit;
  let log = '';
  proc.stderr.on('data', (d) => (log += d));
  proc.on('exit', (code) => (exit = code));
  for (const end = Date.now() + 30000; ; await new Promise((r) => setTimeout(r, 20))) { // not listening yet: again
    assert.equal(exit, undefined, `mosquitto exited (${exit}):\n${log}`);
    assert.ok(Date.now() < end, 'mosquitto is not listening after 30 s');
    const sock = connect(port, '127.0.0.1');
    const up = await once(sock, 'connect').then(() => true, () => false);
    sock.destroy();
    if (up) return { proc, port };
  }
}

test('publishers: an mqtt publisher of the pinned field, from the form: connected to a real broker, published grows, its messages at mosquitto_sub', { skip: noBroker }, async () => {
  const broker = await startBroker();
  const { context, page, name } = await mappingInView('pub-mqtt');
  let sub;
  try {
    await api('PUT', '/v1/mqtt', { url: `mqtt://127.0.0.1:${broker.port}`, client_id: unique('client') });
    const pubs = page.locator('#publishers');
    await page.click('#fields-tree .field[data-path="count"] .pin'); // charted: what the publisher publishes
    await pubs.locator('.pub-from', { hasText: `mapping ${name} by layout ${layoutID}, fields count` }).waitFor();
    const topic = `dash/pub/${suffix}`;
    await pubs.locator('input[name=topic]').fill(topic);
    await pubs.locator('input[name=interval]').fill('20ms');
    await pubs.locator('.pub-broker', { hasText: `to the broker mqtt://127.0.0.1:${broker.port}` }).waitFor();
    await pubs.locator('button', { hasText: 'Publish' }).click();
    const row = pubs.locator('tbody tr', { hasText: topic });
    await row.locator('td', { hasText: /^connected$/ }).waitFor();
    assert.deepEqual((await cells(row)).slice(0, 3), [`${name}\n${layoutID}`, `mqtt\n${topic}`, 'connected']);
    await fits(page, 'publishers');

    // A subscriber of its own: each change is a message of the pinned field only, and the row counts them.
    sub = spawn('/usr/bin/mosquitto_sub', ['-h', '127.0.0.1', '-p', String(broker.port), '-t', topic, '-C', '1', '-W', '30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    sub.stdout.on('data', (d) => (got += d));
    const published = async () => Number((await cells(row))[3]);
    const before = await published();
    for (let n = 100; !got && sub.exitCode === null; n++) await write(name, 0, u32(n)); // until the subscriber, subscribed by now, has one
    assert.match(got.trim(), /^\{"count":\d+\}$/, `mosquitto_sub (exit ${sub.exitCode}) got ${JSON.stringify(got)}`);
    await page.waitForFunction(([id, n]) => Number(document.querySelector(`#publishers tr[data-id="${id}"]`).cells[3].textContent) > n,
      [await row.getAttribute('data-id'), before]);
    assert.equal((await cells(row))[4], '0', 'a broker at hand dropped messages');

    await row.locator('button[data-action=delete]').click();
    await row.waitFor({ state: 'detached' });
    assert.deepEqual(await api('GET', '/v1/publishers'), []);
  } finally {
    sub?.kill();
    await api('DELETE', '/v1/mqtt');
    broker.proc.kill();
    await api('DELETE', path('mappings', name) + '?unlink=true');
    await api('DELETE', `/v1/layouts/${layoutID}`);
    await context.close();
  }
});

test('mirrors: a second daemon\'s mapping mirrored from the form: following, its lag and frames shown, written here; Delete and Detach', async () => {
  const src = await startDaemon('127.0.0.1:0', ...inMemory);
  const dir = mkdtempSync(join(tmpdir(), 'dash-mirror-'));
  const { context, page } = await loggedIn();
  const srcName = `Local\\${unique('mir-src')}`;
  const here = unique('mir-here');
  try {
    await api('POST', '/v1/mappings', { name: srcName, size: 64 }, src.base);
    writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
    const form = page.locator('#create-mirror');
    await form.locator('[name=source]').fill(src.base);
    await form.locator('[name=credentials]').fill(join(dir, 'token'));
    await form.locator('[name=name]').fill(srcName);
    await form.locator('[name=as]').fill(here);
    await form.locator('button', { hasText: 'Mirror' }).click();
    const row = page.locator('#mirrors tbody tr', { hasText: here });
    await row.locator('td', { hasText: /^following$/ }).waitFor();
    const id = await row.getAttribute('data-id');

    // What the source's writer writes is written here, and the row counts its frames and shows its lag.
    await write(srcName, 0, u32(0xc0ffee), src.base);
    const read = async () => {
      const res = await fetch(`${base}${path('mappings', here, '/data?offset=0&length=4')}`, { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) assert.fail(`${here}: ${res.status} ${await res.text()}`);
      return new Uint32Array(await res.arrayBuffer())[0];
    };
    for (const end = Date.now() + 30000; (await read()) !== 0xc0ffee; await new Promise((r) => setTimeout(r, 20))) {
      assert.ok(Date.now() < end, 'the source\'s write is not here after 30 s');
    }
    await page.waitForFunction((id) => Number(document.querySelector(`#mirrors tr[data-id="${id}"]`).cells[4].textContent) > 0, id);
    const [, source, state, lag] = await cells(row);
    assert.deepEqual([source, state], [new URL(src.base).host, 'following']);
    assert.match(lag, /^\d+\.\d ms$/);
    await fits(page, 'mirrors');

    // Delete: the mirror and the mapping it made are gone.
    await row.locator('button[data-action=delete]').click();
    await page.waitForFunction((id) => !document.querySelector(`#mirrors tr[data-id="${id}"]`), id);
    assert.deepEqual(await api('GET', '/v1/mirrors'), []);
    assert.ok(!(await api('GET', '/v1/mappings')).some((m) => m.name === here), 'Delete left the mapping');

    // Detach: the mirror goes, the mapping stays, held by the daemon.
    const m = await api('POST', '/v1/mirrors', { source: src.base, credentials: join(dir, 'token'), mapping: srcName, as: here });
    await page.locator(`#mirrors tr[data-id="${m.id}"] button[data-action=detach]`).click();
    await page.waitForFunction((id) => !document.querySelector(`#mirrors tr[data-id="${id}"]`), m.id);
    assert.deepEqual(await api('GET', '/v1/mirrors'), []);
    assert.equal(await read(), 0xc0ffee, 'the kept mapping');
  } finally {
    await api('DELETE', path('mappings', here) + '?unlink=true').catch(() => {}); // gone already unless detached
    await api('DELETE', path('mappings', srcName) + '?unlink=true', undefined, src.base);
    await stopDaemon(src.proc);
    rmSync(dir, { recursive: true });
    await context.close();
  }
});
