// One end-to-end flow through the demo page, judged by the sandbox's event log.
import * as sandbox from './sandbox.mjs';
import { openDemo, chooseFiles, submit, waitOutcome, photo, TWO_SIDED, kycEvents, text } from './browser.mjs';
import { checkSubmission } from './invariants.mjs';

/** The standard good files for a document type (all four slots where they apply). */
export function goodFiles(docType, { poa = true, liveness = true } = {}) {
  const f = { id_file: photo('sharp.jpg') };
  if (TWO_SIDED.has(docType)) f.id_file_back = photo('sharp.png');
  if (poa) f.proof_of_address_file = photo('utility_bill.pdf');
  if (liveness) f.liveness_check_file = photo('exif_rotated.jpg');
  return f;
}

/**
 * Events recorded in (since, now], narrowed to one flow: files / customer_get /
 * webhook events of other customers are dropped; presign / put / token / fault
 * events carry no customer, and flows run one at a time, so they are this flow's.
 */
export function windowEvents(evs, customerId) {
  return evs.filter((e) => {
    if (e.customer_id !== undefined && e.customer_id !== null && e.customer_id !== customerId) return false;
    if (e.kind === 'webhook') return false;
    return true;
  });
}

/**
 * Run one flow: open the demo for `customerId` with `params`, choose `files`
 * (slot -> path) for `docType`, click submit (or `clickFn(page)`), wait for the
 * outcome, let in-flight requests land, and check the invariants. `beforeOpen`
 * (e.g. switch faults on) runs after the event window starts, before the page loads.
 * Returns {outcome, message, kyc, events (window), violations, since}.
 */
export async function runFlow(page, {
  customerId, docType, files, params = {}, clickFn = null, timeout = 60000, beforeOpen = null, beforeClick = null, quietMs = 400,
}) {
  const since = await sandbox.waitQuiet(200, 3000);
  if (beforeOpen) await beforeOpen();
  await openDemo(page, { customer: customerId, ...params });
  // The widget may give up before the form is usable (e.g. every API call fails while
  // it looks the customer up): that is a clean stop before any upload.
  const ready = await page.waitForFunction(() => {
    if ((window.kycEvents || []).some((e) => e.type === 'error')) return 'error';
    const sel = document.querySelector('[data-testid=doc-type]');
    return sel && !sel.disabled ? 'ready' : false;
  }, null, { timeout: Math.max(timeout, 20000), polling: 100 }).then((h) => h.jsonValue()).catch(() => 'timeout');
  if (ready !== 'ready') {
    const res = ready === 'error'
      ? await waitOutcome(page, { timeout: 1000 })
      : { outcome: 'timeout', events: await kycEvents(page), message: await text(page, 'message') };
    await sandbox.waitQuiet(quietMs, 5000);
    const evs = windowEvents(await sandbox.events({ since }), customerId);
    const chosen = Object.keys(files);
    const violations = res.outcome === 'timeout'
      ? [`the form never became usable within ${timeout} ms and no error was reported; message: ${res.message ?? '(none)'}`]
      : checkSubmission(evs, { customerId, chosen, outcome: res.outcome });
    return { outcome: res.outcome, stage: 'before_submit', message: res.message, kyc: res.events, events: evs, violations, since, elapsedMs: 0, chosen };
  }
  await chooseFiles(page, docType, files);
  if (beforeClick) await beforeClick(page);
  const t0 = Date.now();
  if (clickFn) await clickFn(page); else await submit(page);
  const res = await waitOutcome(page, { timeout });
  const elapsedMs = Date.now() - t0;
  await sandbox.waitQuiet(quietMs, 5000);
  const evs = windowEvents(await sandbox.events({ since }), customerId);
  const chosen = Object.keys(files);
  const violations = res.outcome === 'timeout'
    ? [`no outcome within ${timeout} ms (neither submitted nor error); message: ${res.message ?? '(none)'}`]
    : checkSubmission(evs, { customerId, chosen, outcome: res.outcome });
  return { outcome: res.outcome, stage: 'after_submit', message: res.message, kyc: res.events, events: evs, violations, since, elapsedMs, chosen };
}

/** Compact one-line-per-event dump for failure messages. */
export function dumpEvents(evs) {
  return evs.map((e) => {
    const { seq, kind, at, ...rest } = e; // eslint-disable-line no-unused-vars
    return `  #${seq} ${kind} ${JSON.stringify(rest)}`;
  }).join('\n');
}
