// The dashboard's demo in a real browser (Debian's chromium, playwright-core): a first visit's empty state, the
// demo started from it, one of its pages opened in the view by its catalogue layout, the demo stopped.
//
//   node --test --test-concurrency=1 .ci/browser/demo.test.mjs
//
// Run from the repository root by .ci/test (which builds the binaries). The demo writes the games' real names
// (Local\acpmf_physics: /dev/shm/acpmf_physics on Linux), machine-wide: the test stops it whatever happens, and
// a program holding those names (a game, another demo) makes it fail, saying so.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { api, loggedIn, useDaemon, windows } from './harness.mjs';

useDaemon();

/** Whether the demo plays, by the API, as a script would ask. */
const playing = async () => (await api('GET', '/v1/demo')).playing;

test('a first visit starts the demo, opens its ACC physics page by its layout, and stops it', async () => {
  const { context, page } = await loggedIn({ width: 1400, height: 800 });
  try {
    assert.deepEqual(await playing(), [], 'nothing plays before the click');
    const demo = page.locator('#demo');
    const start = demo.getByRole('button', { name: 'Start the demo' });
    await start.waitFor();
    assert.match(await demo.innerText(), /shared memory/i, 'the empty state says what the dashboard does');

    await start.click();
    const row = demo.locator('tbody tr', { hasText: 'acpmf_physics' });
    await row.waitFor();
    const producers = (await playing()).map((p) => p.producer);
    assert.ok(producers.includes('acc'), `the demo plays ${producers} (a game holding its names refuses it: see the demo's refused)`);
    for (const p of await playing()) {
      for (const m of p.mappings) await demo.locator('tbody tr', { hasText: m.name.replace(/^.*\\/, '') }).waitFor();
    }
    if (process.env.SCREENSHOT_DIR) {
      const file = join(process.env.SCREENSHOT_DIR, 'dashboard-demo-1400.png');
      await page.screenshot({ path: file });
      console.log(`# screenshot: ${file}`);
    }

    await row.getByRole('button', { name: 'Open' }).click();
    await page.locator('.view-title', { hasText: 'acpmf_physics' }).waitFor();
    await page.waitForFunction(() => document.getElementById('layout-select')?.value === 'acc_physics');

    // Back to the empty state (the view closed by the mapping's Close in the lists), and the demo stopped there.
    await page.locator('#mappings tbody tr', { hasText: 'acpmf_physics' }).getByRole('button', { name: 'Close' }).click();
    await demo.getByRole('button', { name: 'Stop the demo' }).click();
    await start.waitFor(); // drawn by the refresh after the DELETE's answer
    assert.deepEqual(await playing(), [], 'the API says nothing plays');
    assert.equal(await demo.locator('tbody tr').count(), 0, 'the demo\'s list is empty once it stopped');
    if (!windows) assert.ok(!existsSync('/dev/shm/acpmf_physics'), 'the demo removed what it made');
  } finally {
    await api('DELETE', '/v1/demo'); // 204 whether it plays or not
    await context.close();
  }
});
