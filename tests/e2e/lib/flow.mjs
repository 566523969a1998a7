// One end-to-end flow through the demo page, judged by the sandbox's event log.
import * as sandbox from './sandbox.mjs';
import { openDemo, chooseFiles, submit, waitOutcome, photo, TWO_SIDED, kycEvents, kycCount, text } from './browser.mjs';
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

/** How long a customer waits for the submit button to be usable again after a stop. */
export const RECLICK_WAIT_MS = 15000;

/**
 * The label the judge uses for what the page reported: `completed`, `stopped`
 * (an `error`: verification did not start / nothing was sent), `unknown` (an
 * `error` with code `outcome_unknown`: the widget says it could not find out).
 */
export const judgeLabel = (outcome, code) => (outcome === 'stopped' && code === 'outcome_unknown' ? 'unknown' : outcome);

/**
 * What the callbacks say across attempts (`from` = index of each click in the
 * callback log): the widget never reports failure and then success for the same
 * click (it must not fire onError while it is still settling), and fires
 * onSubmitted at most once.
 */
export function checkCallbacks(kyc, froms) {
  const v = [];
  froms.forEach((from, i) => {
    const seg = kyc.slice(from, froms[i + 1] ?? kyc.length);
    const err = seg.findIndex((e) => e.type === 'error');
    if (err >= 0 && seg.slice(err + 1).some((e) => e.type === 'submitted')) {
      v.push(`attempt ${i + 1}: onError (${seg[err].detail?.code ?? 'no code'}) fired before onSubmitted: `
        + 'the widget reported a failure while it was still settling');
    }
  });
  const submitted = kyc.filter((e) => e.type === 'submitted').length;
  if (submitted > 1) v.push(`onSubmitted fired ${submitted} times`);
  return v;
}

/**
 * Run one flow: open the demo for `customerId` with `params`, choose `files`
 * (slot -> path) for `docType`, click submit (or `clickFn(page)`), wait for the
 * outcome, let in-flight requests land, and check the invariants. `beforeOpen`
 * (e.g. switch faults on) runs after the event window starts, before the page loads.
 *
 * `reclicks` models a customer who tries again: after a clean stop (the form was
 * usable) the submit button is clicked again once it is usable, at most
 * `reclicks` more times. Each click is an attempt {n, startSeq, endSeq, kycFrom,
 * outcome, code, message, elapsedMs}; the flow's outcome is the last attempt's
 * and the whole window is judged as one submission.
 * Returns {outcome, label, code, stage, message, kyc, events (window), violations, since, attempts, elapsedMs, chosen}.
 */
export async function runFlow(page, {
  customerId, docType, files, params = {}, clickFn = null, timeout = 60000, beforeOpen = null, beforeClick = null, quietMs = 400,
  reclicks = 0,
}) {
  const since = await sandbox.waitQuiet(200, 3000);
  if (beforeOpen) await beforeOpen();
  await openDemo(page, { customer: customerId, ...params });
  const chosen = Object.keys(files);
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
      : { outcome: 'timeout', events: await kycEvents(page), message: await text(page, 'message'), code: null };
    const endSeq = await sandbox.waitQuiet(quietMs, 5000);
    const evs = windowEvents(await sandbox.events({ since }), customerId);
    const label = judgeLabel(res.outcome, res.code);
    const violations = res.outcome === 'timeout'
      ? [`the form never became usable within ${timeout} ms and no error was reported; message: ${res.message ?? '(none)'}`]
      : checkSubmission(evs, { customerId, chosen, outcome: label });
    const attempts = [{ n: 0, startSeq: since, endSeq, kycFrom: 0, outcome: res.outcome, code: res.code, message: res.message, elapsedMs: 0 }];
    return {
      outcome: res.outcome, label, code: res.code, stage: 'before_submit', message: res.message, kyc: res.events, events: evs,
      violations, since, attempts, elapsedMs: 0, chosen,
    };
  }
  await chooseFiles(page, docType, files);
  if (beforeClick) await beforeClick(page);
  const attempts = [];
  const extra = [];
  const t0 = Date.now();
  let startSeq = since;
  for (let n = 1; ; n++) {
    const kycFrom = await kycCount(page);
    const t = Date.now();
    if (n === 1) {
      if (clickFn) await clickFn(page); else await submit(page);
    } else {
      try {
        await submit(page, { timeout: RECLICK_WAIT_MS });
      } catch {
        extra.push(`after the clean stop of attempt ${n - 1} the submit button did not become usable within ${RECLICK_WAIT_MS} ms`);
        break;
      }
    }
    const res = await waitOutcome(page, { timeout, from: kycFrom });
    const endSeq = await sandbox.waitQuiet(quietMs, 5000);
    attempts.push({ n, startSeq, endSeq, kycFrom, outcome: res.outcome, code: res.code, message: res.message, elapsedMs: Date.now() - t });
    if (res.outcome !== 'stopped' || n > reclicks) break;
    startSeq = endSeq;
  }
  const elapsedMs = Date.now() - t0;
  const last = attempts.at(-1);
  await sandbox.waitQuiet(quietMs, 5000);
  const evs = windowEvents(await sandbox.events({ since }), customerId);
  const kyc = await kycEvents(page);
  const label = judgeLabel(last.outcome, last.code);
  const violations = last.outcome === 'timeout'
    ? [`no outcome within ${timeout} ms (neither submitted nor error) after click ${last.n}; message: ${last.message ?? '(none)'}`]
    : checkSubmission(evs, { customerId, chosen, outcome: label });
  violations.push(...extra, ...checkCallbacks(kyc, attempts.map((a) => a.kycFrom)));
  return {
    outcome: last.outcome, label, code: last.code, stage: 'after_submit', message: last.message, kyc, events: evs, violations, since,
    attempts, elapsedMs, chosen,
  };
}

/** Compact one-line-per-event dump for failure messages. */
export function dumpEvents(evs) {
  return evs.map((e) => {
    const { seq, kind, at, ...rest } = e; // eslint-disable-line no-unused-vars
    return `  #${seq} ${kind} ${JSON.stringify(rest)}`;
  }).join('\n');
}
