// The benchmark's yardstick (www/baseline.html, served from dist/www/) makes the
// same, correct request sequence as the widget: checked by the same invariants.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch } from './lib/browser.mjs';
import { goodFiles, windowEvents, dumpEvents } from './lib/flow.mjs';
import { checkSubmission } from './lib/invariants.mjs';

let browser;
before(async () => { await sandbox.waitUp(); await sandbox.clearFaults(); browser = await launch(); });
after(async () => { await browser?.close(); });

test('baseline page: four-file flow passes the ordering invariants', async () => {
  const page = await browser.newPage();
  try {
    const customerId = await sandbox.freshCustomer('cus_base');
    const since = await sandbox.waitQuiet(200, 3000);
    await page.goto(`${sandbox.DEMO}/www/baseline.html?${new URLSearchParams({ api: `${sandbox.API}/v1` })}`);
    const files = goodFiles('drivers_license');
    for (const [slot, f] of Object.entries(files)) await page.setInputFiles(`#${slot}`, f);
    const res = await page.evaluate((cid) => window.runBaseline(cid, 'drivers_license'), customerId);
    assert.equal(res.customer_id, customerId);
    await sandbox.waitQuiet(300, 3000);
    const evs = windowEvents(await sandbox.events({ since }), customerId);
    assert.deepEqual(checkSubmission(evs, { customerId, chosen: Object.keys(files), outcome: 'completed' }), [], dumpEvents(evs));
    assert.equal(evs.filter((e) => e.kind === 'files').length, 2, dumpEvents(evs));
  } finally {
    await page.close();
  }
});
