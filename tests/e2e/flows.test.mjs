// Happy paths, double submission, business refusal and token expiry, through the
// real Trunk-built demo page in headless Chromium against the sandbox.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, openDemo, chooseFiles, text, isVisible, recordConsole, photo } from './lib/browser.mjs';
import { runFlow, goodFiles, dumpEvents, windowEvents } from './lib/flow.mjs';
import { idSubmissions, checkNoEvents } from './lib/invariants.mjs';

let browser;
let context;
let page;
let consoleLines;

before(async () => {
  await sandbox.waitUp();
  await sandbox.clearFaults();
  browser = await launch();
});
after(async () => { await browser?.close(); });
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  consoleLines = recordConsole(page);
});
afterEach(async () => {
  await sandbox.clearFaults();
  await context?.close();
});

function explain(r) {
  return `outcome=${r.outcome} message=${JSON.stringify(r.message)}\nviolations:\n  ${r.violations.join('\n  ')}\n`
    + `events:\n${dumpEvents(r.events)}\nkycEvents: ${JSON.stringify(r.kyc)}\nconsole:\n  ${consoleLines.slice(-20).join('\n  ')}`;
}

async function assertCompleted(r) {
  assert.equal(r.outcome, 'completed', explain(r));
  assert.deepEqual(r.violations, [], explain(r));
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
  const puts = r.events.filter((e) => e.kind === 'put');
  assert.ok(puts.length >= r.chosen.length, `expected a PUT per chosen file\n${explain(r)}`);
  assert.ok(puts.every((e) => e.authorization === false), `Authorization on storage\n${explain(r)}`);
}

test('passport: id_file + proof_of_address_file + liveness_check_file, id_file last', async () => {
  const customerId = await sandbox.freshCustomer('cus_pp');
  const r = await runFlow(page, { customerId, docType: 'passport', files: goodFiles('passport') });
  await assertCompleted(r);
  // events filtered by the customer tell the same story
  const mine = await sandbox.events({ customerId });
  const ids = idSubmissions(mine, customerId);
  assert.equal(ids.length, 1, dumpEvents(mine));
  const last = mine.filter((e) => e.kind === 'files' && e.status === 200).at(-1);
  assert.ok(last.fields && last.fields.id_file, `last files request must carry id_file\n${dumpEvents(mine)}`);
});

test("driver's license: all four files, id_file last", async () => {
  const customerId = await sandbox.freshCustomer('cus_dl');
  const r = await runFlow(page, { customerId, docType: 'drivers_license', files: goodFiles('drivers_license') });
  await assertCompleted(r);
  assert.deepEqual(r.chosen.sort(), ['id_file', 'id_file_back', 'liveness_check_file', 'proof_of_address_file']);
});

test('passport with id_file only (PNG)', async () => {
  const customerId = await sandbox.freshCustomer('cus_pp1');
  const r = await runFlow(page, { customerId, docType: 'passport', files: { id_file: photo('sharp.png') } });
  await assertCompleted(r);
});

async function doubleSubmit(label, clickFn) {
  const customerId = await sandbox.freshCustomer(`cus_dbl_${label}`);
  const r = await runFlow(page, {
    customerId, docType: 'drivers_license', files: goodFiles('drivers_license', { liveness: false }), clickFn, quietMs: 1500,
  });
  assert.equal(r.outcome, 'completed', explain(r));
  assert.deepEqual(r.violations, [], explain(r));
  const mine = await sandbox.events({ customerId });
  assert.equal(idSubmissions(mine, customerId).length, 1, `exactly one id_file submission\n${dumpEvents(mine)}`);
  const submittedCallbacks = r.kyc.filter((e) => e.type === 'submitted').length;
  assert.equal(submittedCallbacks, 1, `onSubmitted fired ${submittedCallbacks} times`);
}

test('double-click on submit (dblclick) submits once', async () => {
  await doubleSubmit('dbl', (p) => p.dblclick('[data-testid=submit]'));
});

test('two rapid clicks on submit submit once', async () => {
  await doubleSubmit('two', async (p) => {
    await p.click('[data-testid=submit]', { trial: true }); // wait until actionable, don't click
    // both clicks in the same task, before any re-render can disable the button
    await p.$eval('[data-testid=submit]', (b) => { b.click(); b.click(); });
  });
});

test('two rapid mouse clicks submit once', async () => {
  await doubleSubmit('mouse', async (p) => {
    await p.click('[data-testid=submit]', { trial: true }); // wait until actionable, don't click
    const box = await (await p.$('[data-testid=submit]')).boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await p.mouse.click(x, y);
    await p.mouse.click(x, y); // a few ms later: a second, separate click
  });
});

async function assertBusinessRefused(params, { allowLookup = false } = {}) {
  const since = await sandbox.waitQuiet(200, 3000);
  await openDemo(page, params);
  // a person would still try: choose a file and press submit if the form lets them
  const submitBtn = await page.$('[data-testid=submit]');
  if (submitBtn && await submitBtn.isEnabled().catch(() => false)) {
    await page.setInputFiles('[data-testid=file-id_file]', photo('sharp.jpg')).catch(() => {});
    await submitBtn.click({ timeout: 2000 }).catch(() => {});
  }
  await page.waitForFunction(
    () => /KYB/i.test(document.querySelector('[data-testid=message]')?.textContent || ''),
    null, { timeout: 15000 },
  ).catch(() => {});
  const msg = await text(page, 'message');
  assert.match(msg || '', /KYB/i, `refusal must mention KYB, message was ${JSON.stringify(msg)}`);
  assert.ok(await isVisible(page, 'message'), 'refusal message must be visible');
  await sandbox.waitQuiet(500, 3000);
  const evs = windowEvents(await sandbox.events({ since }), params.customer);
  if (allowLookup) {
    // without customer_type the widget may look the customer up (GET) to learn its type,
    // but must not presign, upload or submit anything.
    const bad = evs.filter((e) => ['presign', 'put', 'files'].includes(e.kind));
    assert.deepEqual(bad, [], dumpEvents(evs));
  } else {
    assert.deepEqual(checkNoEvents(evs), [], dumpEvents(evs));
  }
  const kyc = await page.evaluate(() => window.kycEvents || []);
  assert.ok(!kyc.some((e) => e.type === 'submitted'), 'business customer must never be submitted');
}

test('business customer given by the host (customer_type=business): refused, zero requests', async () => {
  await assertBusinessRefused({ customer: 'cus_business_demo', customer_type: 'business' });
});

test('customer_type=business for any customer id: refused, zero requests', async () => {
  const customerId = await sandbox.createCustomer(`cus_biz_${Date.now().toString(36)}`, { type: 'business' });
  await assertBusinessRefused({ customer: customerId, customer_type: 'business' });
});

test('cus_business_demo without customer_type: refused, nothing uploaded', async () => {
  await assertBusinessRefused({ customer: 'cus_business_demo' }, { allowLookup: true });
});

for (const route of ['presign', 'files']) {
  test(`token expiring mid-flow (on ${route}): the widget refetches the token once and completes`, async () => {
    const customerId = await sandbox.freshCustomer(`cus_exp_${route}`);
    const r = await runFlow(page, {
      customerId,
      docType: 'drivers_license',
      files: goodFiles('drivers_license', { liveness: false }),
      beforeOpen: () => sandbox.setFaults([{ route, probability: 1, count: 1, action: { type: 'expire_token' } }], 7),
    });
    await assertCompleted(r);
    const injected = r.events.filter((e) => e.kind === 'fault' && e.fault === 'expire_token');
    assert.equal(injected.length, 1, `the expire_token fault must have fired once\n${explain(r)}`);
    const tokens = r.events.filter((e) => e.kind === 'token' && e.status === 200).length;
    assert.ok(tokens >= 2, `expected a second token after the 401 (saw ${tokens} token events)\n${explain(r)}`);
  });
}

test('host getToken rejecting once (token_fail_once=1): the widget asks again and completes', async () => {
  const customerId = await sandbox.freshCustomer('cus_tfo');
  // Count the host's getToken calls: the demo page's getToken gets a counter.
  let patched = false;
  await page.route('**/www/demo.js', async (route) => {
    const res = await route.fetch();
    const body = await res.text();
    const marker = 'async function getToken() {';
    patched = body.includes(marker);
    await route.fulfill({ response: res, body: body.replace(marker, `${marker}\n  window.getTokenCalls = (window.getTokenCalls || 0) + 1;`) });
  });
  const r = await runFlow(page, {
    customerId, docType: 'passport', files: { id_file: photo('sharp.jpg') }, params: { token_fail_once: 1 },
  });
  assert.ok(patched, 'the demo page defines getToken as expected (the counter was added)');
  assert.equal(r.outcome, 'completed', explain(r));
  assert.deepEqual(r.violations, [], explain(r));
  assert.equal(r.kyc.filter((e) => e.type === 'error').length, 0, `a rejected getToken is retried, not reported\n${explain(r)}`);
  const calls = await page.evaluate(() => window.getTokenCalls || 0);
  assert.ok(calls >= 2, `getToken must be asked again after it rejected (asked ${calls} times)\n${explain(r)}`);
  const tokens = r.events.filter((e) => e.kind === 'token' && e.status === 200).length;
  assert.ok(tokens >= 1, `the second getToken reached the token endpoint (saw ${tokens} token events)\n${explain(r)}`);
});

test('a blurred ID photo is caught before upload (quality=block): nothing is sent', async () => {
  const customerId = await sandbox.freshCustomer('cus_blur');
  const since = await sandbox.waitQuiet(200, 3000);
  await openDemo(page, { customer: customerId, quality: 'block' });
  await chooseFiles(page, 'passport', { id_file: photo('blur_sigma20.jpg') });
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=error-id_file]')?.textContent || '').trim().length > 0,
    null, { timeout: 15000 },
  );
  await page.click('[data-testid=submit]', { timeout: 1500 }).catch(() => {}); // disabled or refused
  await sandbox.waitQuiet(500, 3000);
  const evs = windowEvents(await sandbox.events({ since }), customerId).filter((e) => ['presign', 'put', 'files'].includes(e.kind));
  assert.deepEqual(evs, [], dumpEvents(evs));
});
