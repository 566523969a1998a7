// The widget under a strict Content-Security-Policy: it mounts, completes a flow,
// and the browser reports no CSP violation; also with Trusted Types enforced and
// no policy allowed (the widget writes to no HTML or script sink).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, recordConsole, photo } from './lib/browser.mjs';
import { runFlow, dumpEvents } from './lib/flow.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
  + `connect-src 'self' ${sandbox.API} ${sandbox.STORAGE}; style-src 'self'; img-src 'self' blob: data:`;

let browser;
// A document fulfilled by page.route has no known IP address space, so Chromium's
// Local Network Access checks would treat it as public and block its requests to
// 127.0.0.1; the real page (served by the sandbox) is not affected.
before(async () => {
  await sandbox.waitUp();
  await sandbox.clearFaults();
  browser = await launch({ extraArgs: ['--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'] });
});
after(async () => { await browser?.close(); });

test('the demo page is served with a Content-Security-Policy (header or meta)', async () => {
  const res = await fetch(`${sandbox.DEMO}/`);
  const html = await res.text();
  const header = res.headers.get('content-security-policy');
  const meta = /<meta[^>]+http-equiv=["']?Content-Security-Policy/i.test(html);
  assert.ok(header || meta, 'no CSP header and no <meta http-equiv="Content-Security-Policy"> on the demo page');
});

test('under the strict CSP the widget mounts, completes a flow, and no violation is reported', () => strictFlow(STRICT_CSP, 'cus_csp'));

test("with Trusted Types enforced and no policy allowed, the same: the widget assigns no string to an HTML or script sink", () =>
  strictFlow(`${STRICT_CSP}; require-trusted-types-for 'script'; trusted-types 'none'`, 'cus_csp_tt'));

/** A passport flow on the demo page with `policy` enforced; no violation may be reported. */
async function strictFlow(policy, customerTag) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = recordConsole(page);
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile, line: e.lineNumber });
    });
  });
  // Enforce the strict policy on every document from the demo origin (in addition to the page's own).
  await page.route((url) => url.href.startsWith(sandbox.DEMO), async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const headers = { ...response.headers(), 'content-security-policy': policy };
    return route.fulfill({ response, headers });
  });
  try {
    const customerId = await sandbox.freshCustomer(customerTag);
    const r = await runFlow(page, {
      customerId, docType: 'passport',
      files: { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf') },
    });
    const violations = await page.evaluate(() => window.__cspViolations);
    const cspConsole = consoleLines.filter((l) => /Content Security Policy|Content-Security-Policy|Trusted/i.test(l));
    assert.equal(r.outcome, 'completed', `outcome ${r.outcome}, message ${JSON.stringify(r.message)}\n${consoleLines.join('\n')}\n${dumpEvents(r.events)}`);
    assert.deepEqual(r.violations, []);
    assert.deepEqual(violations, [], `securitypolicyviolation events: ${JSON.stringify(violations, null, 1)}`);
    assert.deepEqual(cspConsole, []);
  } finally {
    await context.close();
  }
}
