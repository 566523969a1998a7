// The Rust host example (examples/yew-host, built by test.sh into
// target/yew-host-dist): a Yew page that embeds the component with tokens
// from its own backend. Served on 127.0.0.1:$E2E_PACKAGE_PORT (an origin the
// sandbox allows) with the token endpoint proxied to the sandbox's demo
// host, it completes a passport flow: id_file last, once, and the host's
// own log shows what the component's callbacks reported.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as sandbox from './lib/sandbox.mjs';
import { launch, ROOT, photo, chooseFiles, submit, recordConsole } from './lib/browser.mjs';
import { idSubmissions } from './lib/invariants.mjs';
import { startHostServer } from './lib/host.mjs';
import { dumpEvents } from './lib/flow.mjs';

const DIST = process.env.E2E_YEW_HOST_DIST ?? path.join(ROOT, 'target', 'yew-host-dist');
const PORT = Number(process.env.E2E_PACKAGE_PORT ?? 8792);
const HOST = `http://127.0.0.1:${PORT}`;

let server;
let browser;
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test('the Yew host example completes a passport flow, id_file last, and logs what the component reported', async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `${DIST} missing: build examples/yew-host (scripts/test.sh does)`);
  await sandbox.waitUp();
  await sandbox.clearFaults();
  server = await startHostServer({ dir: DIST, port: PORT, tokenPath: '/demo/token' });
  browser = await launch();
  const page = await (await browser.newContext()).newPage();
  const consoleLines = recordConsole(page);
  const customerId = await sandbox.freshCustomer('cus_yew_host');
  const q = new URLSearchParams({ api: `${sandbox.API}/v1`, customer: customerId });
  await page.goto(`${HOST}/?${q}`, { waitUntil: 'load' });
  await page.waitForSelector('h1', { timeout: 30000 });
  await page.waitForSelector('[data-testid=doc-type]:not([disabled])', { timeout: 30000 });
  const files = { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf') };
  await chooseFiles(page, 'passport', files);
  await submit(page);
  const log = page.locator('[data-testid=host-log] li');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=host-log] li').length >= 2, null, { timeout: 60000 })
    .catch(async () => assert.fail(`host log: ${JSON.stringify(await log.allTextContents())}\nconsole:\n  ${consoleLines.join('\n  ')}`));
  const lines = await log.allTextContents();
  assert.deepEqual(lines.slice(0, 2), [`Submitted 2 file(s) for ${customerId}.`, 'Verification: pending.'], JSON.stringify(lines));
  assert.ok(!lines.some((l) => l.startsWith('Error')), JSON.stringify(lines));

  await sandbox.waitQuiet(400, 5000);
  const mine = await sandbox.events({ customerId });
  assert.equal(idSubmissions(mine, customerId).length, 1, dumpEvents(mine));
  const accepted = mine.filter((e) => e.kind === 'files' && e.status === 200);
  assert.ok(accepted.at(-1)?.fields?.id_file, `the last files request carries id_file\n${dumpEvents(mine)}`);
  assert.ok(accepted.slice(0, -1).every((e) => !e.fields?.id_file), `id_file only in the last one\n${dumpEvents(mine)}`);
  const puts = mine.filter((e) => e.kind === 'put');
  assert.ok(puts.length >= 2 && puts.every((e) => e.authorization === false), dumpEvents(mine));
});
