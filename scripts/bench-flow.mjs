#!/usr/bin/env node
// Benchmark (not a test): wall time from click to completion of the widget's
// four-file driver's-license flow vs the plain-JS baseline page (www/baseline.html)
// doing the same requests, in ONE headless Chromium, alternating, against the same
// sandbox, a fresh customer per run. Prints the medians and their ratio.
//
//   node scripts/bench-flow.mjs            # needs a sandbox with --admin --demo-dir dist
//   BENCH_RUNS=9 node scripts/bench-flow.mjs
//
// Exits 0 whatever the figure is; exits 2 only if it could not measure.
import * as sandbox from '../tests/e2e/lib/sandbox.mjs';
import { launch, openDemo, chooseFiles, photo } from '../tests/e2e/lib/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const FILES = {
  id_file: photo('sharp.jpg'),
  id_file_back: photo('sharp.png'),
  proof_of_address_file: photo('utility_bill.pdf'),
  liveness_check_file: photo('exif_rotated.jpg'),
};
const API_BASE = process.env.E2E_API_BASE ?? `${sandbox.API}/v1`;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function widgetRun(page, customerId) {
  await openDemo(page, { customer: customerId });
  await chooseFiles(page, 'drivers_license', FILES);
  await page.waitForSelector('[data-testid=submit]:not([disabled])', { timeout: 30000 });
  // The photo checks run when files are chosen, before the customer can
  // reach the button; the baseline has none. Time the upload flow alone.
  await page.waitForFunction(() => !document.body.textContent.includes('Checking the photo'), null, { timeout: 30000 });
  await page.evaluate(() => {
    window.__benchDone = undefined;
    const arr = window.kycEvents;
    if (arr && !arr.__bench) {
      const push = arr.push.bind(arr);
      arr.push = (...xs) => {
        for (const x of xs) if (x && x.type === 'submitted' && window.__benchDone === undefined) window.__benchDone = performance.now();
        return push(...xs);
      };
      arr.__bench = true;
    }
    document.addEventListener('click', (e) => {
      if (e.target.closest && e.target.closest('[data-testid=submit]') && window.__benchClick === undefined) window.__benchClick = performance.now();
    }, true);
  });
  const t0 = Date.now();
  await page.click('[data-testid=submit]');
  await page.waitForFunction(() => (window.kycEvents || []).some((e) => e.type === 'submitted' || e.type === 'error'), null, { timeout: 60000, polling: 50 });
  const wall = Date.now() - t0;
  const r = await page.evaluate(() => ({ click: window.__benchClick, done: window.__benchDone, error: (window.kycEvents || []).find((e) => e.type === 'error') }));
  if (r.error) throw new Error(`widget flow failed: ${JSON.stringify(r.error)}`);
  return r.click !== undefined && r.done !== undefined ? r.done - r.click : wall;
}

async function baselineRun(page, customerId) {
  const q = new URLSearchParams({ api: API_BASE });
  await page.goto(`${sandbox.DEMO}/www/baseline.html?${q}`, { waitUntil: 'load' });
  for (const [slot, file] of Object.entries(FILES)) await page.setInputFiles(`#${slot}`, file);
  return page.evaluate(async (cid) => {
    const t0 = performance.now();
    await window.runBaseline(cid, 'drivers_license');
    return performance.now() - t0;
  }, customerId);
}

async function main() {
  await sandbox.waitUp(10000);
  await sandbox.clearFaults();
  const browser = await launch();
  const context = await browser.newContext();
  const page = await context.newPage();
  const widget = [];
  const baseline = [];
  try {
    // one warm-up of each (first wasm compile, HTTP keep-alive) that is not counted
    await widgetRun(page, await sandbox.freshCustomer('cus_bench_warm'));
    await baselineRun(page, await sandbox.freshCustomer('cus_bench_warm'));
    for (let i = 0; i < RUNS; i++) {
      const first = i % 2 === 0 ? 'widget' : 'baseline';
      for (const which of first === 'widget' ? ['widget', 'baseline'] : ['baseline', 'widget']) {
        const cid = await sandbox.freshCustomer(`cus_bench_${which}`);
        const ms = which === 'widget' ? await widgetRun(page, cid) : await baselineRun(page, cid);
        (which === 'widget' ? widget : baseline).push(ms);
        await sandbox.waitQuiet(200, 3000);
      }
    }
  } finally {
    await browser.close();
  }
  const mw = median(widget);
  const mb = median(baseline);
  const fmt = (xs) => xs.map((x) => Math.round(x)).join(', ');
  console.log(`bench: widget  click->submitted ms: ${fmt(widget)}  (median ${Math.round(mw)})`);
  console.log(`bench: baseline runBaseline()  ms: ${fmt(baseline)}  (median ${Math.round(mb)})`);
  console.log(`bench: four-file driver's-license flow, widget/baseline median ratio = ${(mw / mb).toFixed(2)} (N=${RUNS} each, alternating)`);
}

main().catch((e) => { console.error(`bench: could not measure: ${e.stack || e}`); process.exit(2); });
