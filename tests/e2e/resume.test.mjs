// Resume after a reload: files already uploaded are kept (ids only, in
// sessionStorage), the reloaded widget asks only for the rest, and the final
// files request still sends id_file last. Judged by the sandbox's event log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as sandbox from './lib/sandbox.mjs';
import { launch, openDemo, chooseFiles, submit, waitOutcome, photo, text } from './lib/browser.mjs';
import { checkSubmission } from './lib/invariants.mjs';
import { dumpEvents } from './lib/flow.mjs';

let browser;
before(async () => { await sandbox.waitUp(); await sandbox.clearFaults(); browser = await launch(); });
after(async () => { await sandbox.clearFaults(); await browser?.close(); });

const storedRecord = (page) => page.evaluate(() => {
  const out = {};
  for (let i = 0; i < sessionStorage.length; i++) out[sessionStorage.key(i)] = sessionStorage.getItem(sessionStorage.key(i));
  return out;
});

test('a reload mid-flow keeps the uploaded files and still sends id_file last', async () => {
  const page = await (await browser.newContext()).newPage();
  const customerId = await sandbox.freshCustomer('cus_resume');
  const since = await sandbox.lastSeq();
  const params = { customer: customerId, customer_type: 'individual' };
  try {
    // Every files request fails: the files are uploaded, nothing is accepted.
    await sandbox.setFaults([{ route: 'files', probability: 1, action: { type: 'status', status: 503 } }]);
    await openDemo(page, params);
    await chooseFiles(page, 'drivers_license', {
      id_file: photo('sharp.jpg'), id_file_back: photo('sharp.png'), proof_of_address_file: photo('utility_bill.pdf'),
    });
    await submit(page);
    const first = await waitOutcome(page, { timeout: 60000 });
    assert.equal(first.outcome, 'stopped', 'the first attempt must stop');

    const record = Object.entries(await storedRecord(page)).find(([k]) => k === `kyc-upload:v1:${customerId}`);
    assert.ok(record, 'a resume record is stored');
    const saved = JSON.parse(record[1]);
    assert.deepEqual(saved.files.map((f) => f.slot).sort(), ['id_file', 'id_file_back', 'proof_of_address_file']);
    assert.ok(saved.files.every((f) => /^file_/.test(f.file_id) && !('bytes' in f)), record[1]);
    assert.doesNotMatch(record[1], /access_token|Bearer/i);

    await sandbox.clearFaults();
    await page.reload();
    await page.waitForSelector('[data-testid=doc-type]');
    assert.equal(await page.$eval('[data-testid=doc-type]', (e) => e.value), 'drivers_license');
    const kept = await page.$eval('[data-slot=id_file_back]', (e) => e.textContent);
    assert.match(kept, /sharp\.png/);
    assert.match(kept, /Uploaded earlier/);
    assert.match(await text(page, 'message'), /already uploaded are kept/);

    await chooseFiles(page, null, { liveness_check_file: photo('exif_rotated.jpg') });
    await submit(page);
    const second = await waitOutcome(page, { timeout: 60000 });
    assert.equal(second.outcome, 'completed', second.message ?? '');

    await sandbox.waitQuiet(400, 5000);
    const events = (await sandbox.events({ since })).filter((e) => e.customer_id == null || e.customer_id === customerId);
    const presigned = events.filter((e) => e.kind === 'presign' && e.status === 201).map((e) => e.purpose).sort();
    assert.deepEqual(presigned, ['id_file', 'id_file_back', 'liveness_check_file', 'proof_of_address_file'],
      `each file uploaded once, the kept ones not again:\n${dumpEvents(events)}`);
    const okFiles = events.filter((e) => e.kind === 'files' && e.status === 200);
    assert.deepEqual(Object.keys(okFiles.at(-1).fields), ['id_file'], `id_file last and alone:\n${dumpEvents(events)}`);
    const chosen = ['id_file', 'id_file_back', 'proof_of_address_file', 'liveness_check_file'];
    assert.deepEqual(checkSubmission(events, { customerId, chosen, outcome: 'completed' }), [], dumpEvents(events));
    assert.deepEqual(Object.keys(await storedRecord(page)).filter((k) => k.includes(customerId)), [], 'the record is removed on completion');
  } finally {
    await sandbox.clearFaults();
    await page.close();
  }
});
