// Verification is triggered exactly once (api-contract §3.4): a lost answer to the
// request carrying id_file is retried under the same Idempotency-Key (a replay),
// an unknown outcome is settled by reading the customer, "verification did not
// start" is said only when known, and a later click or a reload reuses the key
// or settles without sending id_file again. Each test has a fixed fault set;
// the sandbox's event log is the judge.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, recordConsole, photo, submit, waitOutcome, kycCount, kycEvents, text, openDemo, chooseFiles } from './lib/browser.mjs';
import { runFlow, dumpEvents, windowEvents, checkCallbacks, RECLICK_WAIT_MS } from './lib/flow.mjs';
import { checkSubmission, idSubmissions, statusReadsAfterId } from './lib/invariants.mjs';

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

const PASSPORT_POA = { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf') };
/** Says that verification did not start ("did not start", "has not started", "wasn't started", ...). */
const NOT_STARTED = /\b(not|n't)\b[^.]{0,40}\bstart/i;

const files = (evs) => evs.filter((e) => e.kind === 'files');
/** files requests that carried id_file (requests stopped by a fault before effect are logged without fields). */
const idRequests = (evs) => files(evs).filter((e) => e.fields && e.fields.id_file);
const lostFaults = (evs) => evs.filter((e) => e.kind === 'fault' && e.fault === 'lose_answer');
const count = (kyc, type) => kyc.filter((e) => e.type === type).length;

function explain(r, evs = r.events) {
  return `outcome=${r.outcome} code=${r.code} message=${JSON.stringify(r.message)}\nviolations:\n  ${(r.violations || []).join('\n  ')}\n`
    + `events:\n${dumpEvents(evs)}\nkycEvents: ${JSON.stringify(r.kyc)}\nconsole:\n  ${consoleLines.slice(-20).join('\n  ')}`;
}

for (const [label, action, status] of [
  ['503', { type: 'lose_answer', status: 503 }, 503],
  ['connection closed', { type: 'lose_answer' }, null],
]) {
  test(`the id_file request's answer lost once (${label}): retried as a replay under the same key, completes once`, async () => {
    const customerId = await sandbox.freshCustomer('cus_lost1');
    // webhooks=0: the page must not settle the outcome with the webhook's
    // result before the retry is due (a race this test is not about).
    const r = await runFlow(page, {
      customerId, docType: 'passport', files: PASSPORT_POA, params: { webhooks: 0 },
      beforeOpen: () => sandbox.setFaults([{ route: 'files', id_file: true, count: 1, action }], 11),
    });
    assert.equal(r.outcome, 'completed', explain(r));
    assert.deepEqual(r.violations, [], explain(r));
    const lost = lostFaults(r.events);
    assert.equal(lost.length, 1, `one lost answer\n${explain(r)}`);
    assert.equal(lost[0].status, status, explain(r));
    assert.equal(lost[0].committed, true, explain(r));
    assert.equal(idSubmissions(r.events, customerId).length, 1, `exactly one effective id_file request\n${explain(r)}`);
    const ids = idRequests(r.events);
    assert.equal(ids[0].answer_lost, true, `the first id_file request took effect and lost its answer\n${explain(r)}`);
    assert.ok(ids.length >= 2, `the widget retried the id_file request\n${explain(r)}`);
    for (const e of ids.slice(1)) {
      assert.equal(e.idempotency_key, ids[0].idempotency_key, `retry #${e.seq} under the same key\n${explain(r)}`);
      assert.equal(e.replay, true, `retry #${e.seq} is a replay\n${explain(r)}`);
    }
    // the request without id_file was not touched by the rule and recorded once
    const other = files(r.events).filter((e) => e.fields && !e.fields.id_file);
    assert.ok(other.length >= 1 && other.every((e) => !e.answer_lost), explain(r));
    assert.equal(count(r.kyc, 'submitted'), 1, `onSubmitted once\n${explain(r)}`);
    assert.equal(count(r.kyc, 'error'), 0, `no onError\n${explain(r)}`);
    await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
  });
}

test('the id_file answer lost on every try and the status read failing twice: settled by a status read, submitted', async () => {
  const customerId = await sandbox.freshCustomer('cus_lostall');
  const r = await runFlow(page, {
    // webhooks=0: the page does not forward the result, so only the status read can settle it
    customerId, docType: 'passport', files: PASSPORT_POA, params: { webhooks: 0 },
    // after the page has loaded the customer, so the customer faults hit the status read
    beforeClick: () => sandbox.setFaults([
      { route: 'files', id_file: true, probability: 1, action: { type: 'lose_answer', status: 503 } },
      { route: 'customer', probability: 1, count: 2, action: { type: 'status', status: 503 } },
    ], 12),
  });
  assert.equal(r.outcome, 'completed', explain(r));
  assert.deepEqual(r.violations, [], explain(r));
  assert.equal(idSubmissions(r.events, customerId).length, 1, `exactly one effective id_file request\n${explain(r)}`);
  const ids = idRequests(r.events);
  assert.ok(ids.every((e) => e.answer_lost === true), `every id_file answer was lost\n${explain(r)}`);
  assert.equal(new Set(ids.map((e) => e.idempotency_key)).size, 1, `one key\n${explain(r)}`);
  const reads = statusReadsAfterId(r.events, customerId);
  assert.equal(reads.filter((e) => e.status === 503).length, 2, `the two failing status reads\n${explain(r)}`);
  assert.ok(reads.some((e) => e.status === 200), `a status read that answered\n${explain(r)}`);
  assert.equal(count(r.kyc, 'submitted'), 1, `onSubmitted once\n${explain(r)}`);
  assert.equal(count(r.kyc, 'error'), 0, `no onError while settling\n${explain(r)}`);
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
});

test('every id_file request failing before effect: "verification did not start", then a later click completes under the same key', async () => {
  const customerId = await sandbox.freshCustomer('cus_notstarted');
  // passport, id_file only: every files request is the one carrying id_file
  const r = await runFlow(page, {
    customerId, docType: 'passport', files: { id_file: photo('sharp.jpg') },
    beforeOpen: () => sandbox.setFaults([{ route: 'files', id_file: true, probability: 1, action: { type: 'status', status: 503 } }], 13),
  });
  assert.equal(r.outcome, 'stopped', explain(r));
  assert.equal(r.label, 'stopped', `the widget knows verification did not start (not outcome_unknown)\n${explain(r)}`);
  assert.deepEqual(r.violations, [], explain(r));
  assert.match(r.message || '', NOT_STARTED, `the message says verification did not start\n${explain(r)}`);
  assert.equal(count(r.kyc, 'submitted'), 0, explain(r));
  const err = r.kyc.find((e) => e.type === 'error');
  assert.ok(err && err.detail && err.detail.code, `onError with a code\n${explain(r)}`);
  assert.equal(idSubmissions(r.events, customerId).length, 0, explain(r));
  const first = files(r.events);
  assert.ok(first.length >= 1 && first.every((e) => e.status === 503), explain(r));
  const reads = r.events.filter((e) => e.kind === 'customer_get' && e.seq > first[0].seq && e.status === 200);
  assert.ok(reads.length >= 1, `the widget read the customer before saying verification did not start\n${explain(r)}`);

  await sandbox.clearFaults();
  const from = await kycCount(page);
  await submit(page, { timeout: RECLICK_WAIT_MS });
  const second = await waitOutcome(page, { from });
  await sandbox.waitQuiet(400, 5000);
  const evs = windowEvents(await sandbox.events({ since: r.since }), customerId);
  const kyc = await kycEvents(page);
  const all = { ...second, kyc, violations: checkSubmission(evs, { customerId, chosen: ['id_file'], outcome: second.outcome }) };
  all.violations.push(...checkCallbacks(kyc, [0, from]));
  assert.equal(second.outcome, 'completed', explain(all, evs));
  assert.deepEqual(all.violations, [], explain(all, evs));
  const keys = new Set(files(evs).map((e) => e.idempotency_key));
  assert.deepEqual([...keys], [first[0].idempotency_key], `the later click reuses the first attempt's key\n${explain(all, evs)}`);
  assert.equal(idSubmissions(evs, customerId).length, 1, explain(all, evs));
  assert.equal(count(kyc, 'submitted'), 1, explain(all, evs));
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
});

test('a reload after an unknown outcome settles on load by reading the customer, without sending id_file again', async () => {
  const customerId = await sandbox.freshCustomer('cus_unknown');
  const r = await runFlow(page, {
    customerId, docType: 'passport', files: PASSPORT_POA, params: { webhooks: 0 },
    beforeClick: () => sandbox.setFaults([
      { route: 'files', id_file: true, probability: 1, action: { type: 'lose_answer', status: 503 } },
      { route: 'customer', probability: 1, action: { type: 'status', status: 503 } },
    ], 14),
  });
  assert.equal(r.outcome, 'stopped', explain(r));
  assert.equal(r.code, 'outcome_unknown', `the widget could not find out, and says so\n${explain(r)}`);
  assert.deepEqual(r.violations, [], explain(r));
  assert.doesNotMatch(r.message || '', NOT_STARTED, `it must not claim verification did not start\n${explain(r)}`);
  assert.equal(count(r.kyc, 'submitted'), 0, explain(r));
  assert.equal(idSubmissions(r.events, customerId).length, 1, `the id_file request took effect\n${explain(r)}`);
  assert.ok(statusReadsAfterId(r.events, customerId).length >= 1, `it tried to read the status\n${explain(r)}`);

  await sandbox.clearFaults();
  const beforeReload = await sandbox.waitQuiet(200, 3000);
  await page.reload();
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 30000 });
  await sandbox.waitQuiet(400, 5000);
  const after = windowEvents(await sandbox.events({ since: beforeReload }), customerId);
  const rr = { outcome: 'reloaded', code: null, message: await text(page, 'message'), kyc: await kycEvents(page), violations: [] };
  assert.ok(after.some((e) => e.kind === 'customer_get' && e.status === 200), `the reloaded widget read the customer\n${explain(rr, after)}`);
  assert.deepEqual(files(after), [], `no files request after the reload\n${explain(rr, after)}`);
  assert.deepEqual(after.filter((e) => e.kind === 'presign' || e.kind === 'put'), [], explain(rr, after));
  assert.equal(count(rr.kyc, 'error'), 0, explain(rr, after));
  const whole = windowEvents(await sandbox.events({ since: r.since }), customerId);
  assert.deepEqual(checkSubmission(whole, { customerId, chosen: Object.keys(PASSPORT_POA), outcome: 'completed' }), [], dumpEvents(whole));
});

// Two orders of events: with proof of address, id_file's upload usually ends
// before the first files request does; alone, its upload's end is what sends
// the id_file request.
for (const [label, chosen] of [['id_file and proof of address', PASSPORT_POA], ['id_file alone', { id_file: PASSPORT_POA.id_file }]]) {
  test(`while the id_file request of a fast submission is in flight, the stored record already says it went out (${label})`, async () => {
    // The submission is over in well under 100 ms up to its id_file request,
    // which the sandbox then holds. Were the page to go away now, a reload
    // must read the customer before anything else (the test above): the
    // record in sessionStorage must say id_file went out, and name it.
    const customerId = await sandbox.freshCustomer('cus_inflight');
    await sandbox.setFaults([{ route: 'files', id_file: true, probability: 1, count: 1, action: { type: 'latency', ms: 3000 } }]);
    await openDemo(page, { customer: customerId, webhooks: 0, log: 0 });
    await chooseFiles(page, 'passport', chosen);
    await page.waitForSelector('[data-testid=submit]:not([disabled])', { timeout: 30000 });
    await page.waitForFunction(() => !document.body.textContent.includes('Checking the photo'), null, { timeout: 30000 });
    const since = await sandbox.lastSeq();
    await page.$eval('[data-testid=submit]', (button) => button.click());
    const held = await sandbox.waitEvent(since, (e) => e.kind === 'fault' && e.route === 'files', 10000);
    assert.ok(held, 'the id_file request reached the sandbox');
    // Read at once: no answer has come back yet.
    const stored = await page.evaluate((key) => sessionStorage.getItem(key), `kyc-upload:v1:${customerId}`);
    const record = JSON.parse(stored ?? 'null');
    assert.equal(record?.final_sent, true, `the stored record says id_file went out: ${stored}`);
    assert.deepEqual(record.files.map((f) => f.slot).sort(), Object.keys(chosen).sort(), stored);
    const outcome = await waitOutcome(page, { timeout: 30000 });
    assert.equal(outcome.outcome, 'completed', JSON.stringify(outcome));
    await sandbox.waitQuiet(400, 5000);
    const whole = windowEvents(await sandbox.events({ since }), customerId);
    assert.equal(idSubmissions(whole, customerId).length, 1, `verification triggered once\n${dumpEvents(whole)}`);
  });
}

test('an id_file request refused at once, on a second click with every file already uploaded: the stored record no longer says it went out', async () => {
  // The second click sends id_file straight away (nothing left to upload),
  // which writes the record with final_sent; the refusal (a 4xx: nothing
  // applied, and the customer read confirms it) must rewrite it, though the
  // form ends up as it was before the click. Were it not, a reload would
  // "settle" a submission that never started instead of offering the
  // button.
  const customerId = await sandbox.freshCustomer('cus_refusedtwice');
  const key = `kyc-upload:v1:${customerId}`;
  const refuse = [{ route: 'files', id_file: true, probability: 1, action: { type: 'status', status: 422 } }];
  const r = await runFlow(page, {
    customerId, docType: 'passport', files: { id_file: photo('sharp.jpg') }, params: { webhooks: 0 },
    beforeClick: () => sandbox.setFaults(refuse, 16),
  });
  assert.equal(r.outcome, 'stopped', explain(r));
  const from = await kycCount(page);
  const since = await sandbox.lastSeq();
  await submit(page, { timeout: RECLICK_WAIT_MS });
  const second = await waitOutcome(page, { from });
  assert.equal(second.outcome, 'stopped', JSON.stringify(second));
  const evs = windowEvents(await sandbox.events({ since }), customerId);
  assert.equal(evs.filter((e) => e.kind === 'put').length, 0, `the second click uploaded nothing again\n${dumpEvents(evs)}`);
  assert.equal(files(evs).length, 1, `the second click sent id_file once, refused\n${dumpEvents(evs)}`);
  const stored = await page.evaluate((k) => sessionStorage.getItem(k), key);
  const record = JSON.parse(stored ?? 'null');
  assert.equal(record?.final_sent, false, `the stored record: ${stored}`);
  assert.deepEqual(record.files.map((f) => f.slot), ['id_file'], stored);
});

test('a result the host forwards while the outcome is being settled settles it: submitted, no onError', async () => {
  const customerId = await sandbox.freshCustomer('cus_hostsettles');
  const r = await runFlow(page, {
    customerId, docType: 'passport', files: PASSPORT_POA,
    // every id_file answer lost and every status read failing: only the
    // webhook result the demo page forwards with setStatus can settle it
    beforeClick: () => sandbox.setFaults([
      { route: 'files', id_file: true, probability: 1, action: { type: 'lose_answer', status: 503 } },
      { route: 'customer', probability: 1, action: { type: 'status', status: 503 } },
    ], 15),
  });
  assert.equal(r.outcome, 'completed', explain(r));
  assert.deepEqual(r.violations, [], explain(r));
  assert.equal(idSubmissions(r.events, customerId).length, 1, explain(r));
  assert.equal(statusReadsAfterId(r.events, customerId).filter((e) => e.status === 200).length, 0, `no status read answered\n${explain(r)}`);
  assert.equal(count(r.kyc, 'submitted'), 1, explain(r));
  assert.equal(count(r.kyc, 'error'), 0, explain(r));
  assert.ok(r.kyc.some((e) => e.type === 'status' && e.detail.status !== 'pending'), `the forwarded result\n${explain(r)}`);
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
});
