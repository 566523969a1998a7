// No token leak: after a full flow the access token is nowhere a page script,
// a later visitor or a log could read it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, recordConsole } from './lib/browser.mjs';
import { runFlow, goodFiles, dumpEvents } from './lib/flow.mjs';

let browser;
before(async () => { await sandbox.waitUp(); await sandbox.clearFaults(); browser = await launch(); });
after(async () => { await browser?.close(); });

test('the access token appears in no storage, cookie, URL or console message', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = recordConsole(page);
  const urls = [];
  const storageAuth = [];
  const tokenBodies = [];
  page.on('request', (req) => {
    urls.push(req.url());
    if (req.url().startsWith(sandbox.STORAGE) && req.headers().authorization) storageAuth.push(`${req.method()} ${req.url()}`);
  });
  page.on('response', (res) => {
    if (res.url().includes('/demo/token') && res.status() === 200) tokenBodies.push(res.json().catch(() => null));
  });
  try {
    const customerId = await sandbox.freshCustomer('cus_leak');
    const r = await runFlow(page, { customerId, docType: 'drivers_license', files: goodFiles('drivers_license') });
    assert.equal(r.outcome, 'completed', `${r.message}\n${dumpEvents(r.events)}`);
    const tokens = (await Promise.all(tokenBodies)).filter(Boolean).map((b) => b.access_token).filter(Boolean);
    assert.ok(tokens.length >= 1, 'no token captured from /demo/token');

    const seen = await page.evaluate(async () => {
      const dump = (s) => { const o = {}; for (let i = 0; i < s.length; i++) { const k = s.key(i); o[k] = s.getItem(k); } return o; };
      let dbs = [];
      try { dbs = (await indexedDB.databases()).map((d) => d.name); } catch { /* unsupported */ }
      return {
        localStorage: JSON.stringify(dump(localStorage)),
        sessionStorage: JSON.stringify(dump(sessionStorage)),
        indexedDB: JSON.stringify(dbs),
        cookie: document.cookie,
        dom: document.documentElement.outerHTML,
        location: location.href,
      };
    });
    const leaks = [];
    for (const tok of tokens) {
      for (const [where, s] of Object.entries(seen)) if (s.includes(tok)) leaks.push(`token in ${where}`);
      for (const u of urls) if (u.includes(tok) || u.includes(encodeURIComponent(tok))) leaks.push(`token in requested URL ${u.slice(0, 120)}`);
      for (const l of consoleLines) if (l.includes(tok)) leaks.push(`token in console: ${l.slice(0, 120)}`);
    }
    assert.deepEqual(leaks, []);
    assert.deepEqual(storageAuth, [], 'Authorization header sent to the storage origin');
  } finally {
    await context.close();
  }
});
