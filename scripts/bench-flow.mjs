#!/usr/bin/env node
// Benchmark (not a test): wall time from click to completion of the widget's
// four-file driver's-license flow vs the plain-JS baseline page (www/baseline.html)
// doing the same requests, in ONE headless Chromium, alternating, against the same
// sandbox, a fresh customer per run. Both are started from inside the page (the
// widget's button.click(), the baseline's runBaseline()), and the widget's host
// (the demo page with log=0 and webhooks=0) does no work of its own. Neither
// clock includes a token request (the widget has its token from mount; the
// baseline gets one before its clock starts). Prints each side's median and spread
// (min-max, interquartile range), their ratio, and where the time goes: the
// phases of each run read off the browser's Resource Timing entries
// (presign, PUT, the two files requests, and the gaps between them, which are
// the page's own work). BENCH_TRACE=file.json also records a Chromium
// performance trace of one widget run (and file.baseline.json, one baseline run) (open it in Chrome's Performance panel).
//
//   node scripts/bench-flow.mjs            # needs a sandbox with --admin --demo-dir dist
//   BENCH_RUNS=15 node scripts/bench-flow.mjs   # default 9
//   BENCH_LATENCY_MS=20 node scripts/bench-flow.mjs   # every API request and
//       PUT 20 ms slower (a latency fault on every route), like a server
//       across a network instead of on loopback
//   BENCH_CPU_THROTTLE=4 node scripts/bench-flow.mjs   # the page's CPU 4 times
//       slower (Chromium's CPU throttling), like a mid-range phone: main-thread
//       work that loopback hides shows in the ratio
//
// Exits 0 whatever the figure is; exits 2 only if it could not measure.
import * as sandbox from '../tests/e2e/lib/sandbox.mjs';
import { launch, openDemo, chooseFiles, photo } from '../tests/e2e/lib/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 9);
const FILES = {
  id_file: photo('sharp.jpg'),
  id_file_back: photo('sharp.png'),
  proof_of_address_file: photo('utility_bill.pdf'),
  liveness_check_file: photo('exif_rotated.jpg'),
};
const API_BASE = process.env.E2E_API_BASE ?? `${sandbox.API}/v1`;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const median = (xs) => quantile(xs, 0.5);
const spread = (xs) => `min ${Math.round(Math.min(...xs))}, IQR ${Math.round(quantile(xs, 0.25))}-${Math.round(quantile(xs, 0.75))}, max ${Math.round(Math.max(...xs))}`;

/**
 * The phases of one run from Resource Timing, in ms from `t0`: when the
 * presigns, the PUTs and the two files requests started and ended.
 */
function phases(entries, t0) {
  const span = (xs) => xs.length ? [Math.min(...xs.map((e) => e.startTime)) - t0, Math.max(...xs.map((e) => e.responseEnd)) - t0] : [NaN, NaN];
  const presign = entries.filter((e) => /\/v1\/files$/.test(e.name));
  const put = entries.filter((e) => e.initiatorType === 'xmlhttprequest');
  const files = entries.filter((e) => /\/customers\/.+\/files$/.test(e.name)).sort((a, b) => a.startTime - b.startTime);
  return { presign: span(presign), put: span(put), rest: span(files.slice(0, 1)), id: span(files.slice(1)) };
}
const PHASES = ['presign', 'put', 'rest', 'id'];
const entriesOf = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ name: e.name.replace(/\?.*/, ''), initiatorType: e.initiatorType, startTime: e.startTime, responseEnd: e.responseEnd })));

async function widgetRun(page, customerId) {
  // The demo page without its own work: no event log (a list item per
  // event) and no webhook relay (server-sent events, and setStatus when an
  // earlier run's verification result arrives); the baseline page has
  // neither.
  await openDemo(page, { customer: customerId, log: 0, webhooks: 0 });
  await chooseFiles(page, 'drivers_license', FILES);
  await page.waitForSelector('[data-testid=submit]:not([disabled])', { timeout: 30000 });
  // The photo checks run when files are chosen, before the customer can
  // reach the button; the baseline has none. Time the upload flow alone.
  await page.waitForFunction(() => !document.body.textContent.includes('Checking the photo'), null, { timeout: 30000 });
  // The last check's result is in the DOM but not yet painted: a customer
  // sees it (a frame) before they can click. Without this wait, that
  // frame's paint and commit (3 to 4 ms of main thread on 2 cores, seen
  // in a trace) could land inside the timed flow while presign answers
  // waited. The baseline waits for its frame the same way.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.evaluate(() => {
    performance.clearResourceTimings();
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
  // Clicked from inside the page, as the baseline's runBaseline() is called:
  // Playwright's mouse click adds its own checks and input events (5 ms or
  // so, measured) to one side only.
  await page.$eval('[data-testid=submit]', (button) => button.click());
  await page.waitForFunction(() => (window.kycEvents || []).some((e) => e.type === 'submitted' || e.type === 'error'), null, { timeout: 60000, polling: 50 });
  const wall = Date.now() - t0;
  const r = await page.evaluate(() => ({ click: window.__benchClick, done: window.__benchDone, error: (window.kycEvents || []).find((e) => e.type === 'error') }));
  if (r.error) throw new Error(`widget flow failed: ${JSON.stringify(r.error)}`);
  if (r.click === undefined || r.done === undefined) return { ms: wall, phases: null };
  return { ms: r.done - r.click, phases: phases(await entriesOf(page), r.click) };
}

async function baselineRun(page, customerId) {
  const q = new URLSearchParams({ api: API_BASE });
  await page.goto(`${sandbox.DEMO}/www/baseline.html?${q}`, { waitUntil: 'load' });
  for (const [slot, file] of Object.entries(FILES)) await page.setInputFiles(`#${slot}`, file);
  const r = await page.evaluate(async (cid) => {
    // The widget has its token before the click (it read the customer on
    // mount): the baseline gets one before its clock starts too, so both
    // time the same requests.
    const token = await window.baselineToken();
    // As for the widget: the chosen files' names are painted before the clock starts.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    performance.clearResourceTimings();
    const t0 = performance.now();
    await window.runBaseline(cid, 'drivers_license', token);
    return { t0, ms: performance.now() - t0 };
  }, customerId);
  return { ms: r.ms, phases: phases(await entriesOf(page), r.t0) };
}

async function main() {
  await sandbox.waitUp(10000);
  await sandbox.clearFaults();
  const latency = Number(process.env.BENCH_LATENCY_MS || 0);
  if (latency > 0) {
    await sandbox.setFaults([{ route: 'any', probability: 1, action: { type: 'latency', ms: latency } }]);
    console.log(`bench: every request ${latency} ms slower (BENCH_LATENCY_MS)`);
  }
  const browser = await launch();
  const context = await browser.newContext();
  const page = await context.newPage();
  const throttle = Number(process.env.BENCH_CPU_THROTTLE || 1);
  if (throttle > 1) {
    // Kept across the page's navigations (it is the tab's setting).
    await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
    console.log(`bench: the page's CPU ${throttle} times slower (BENCH_CPU_THROTTLE)`);
  }
  const widget = [];
  const baseline = [];
  try {
    // one warm-up of each (first wasm compile, HTTP keep-alive) that is not counted
    await widgetRun(page, await sandbox.freshCustomer('cus_bench_warm'));
    await baselineRun(page, await sandbox.freshCustomer('cus_bench_warm'));
    if (process.env.BENCH_TRACE) {
      await browser.startTracing(page, { path: process.env.BENCH_TRACE, screenshots: false,
        categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
      await widgetRun(page, await sandbox.freshCustomer('cus_bench_trace'));
      await browser.stopTracing();
      const baselineTrace = process.env.BENCH_TRACE.replace(/(\.json)?$/, '.baseline.json');
      await browser.startTracing(page, { path: baselineTrace, screenshots: false,
        categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
      await baselineRun(page, await sandbox.freshCustomer('cus_bench_trace'));
      await browser.stopTracing();
      console.log(`bench: Chromium traces of one widget run and one baseline run written to ${process.env.BENCH_TRACE} and ${baselineTrace}`);
    }
    for (let i = 0; i < RUNS; i++) {
      const first = i % 2 === 0 ? 'widget' : 'baseline';
      for (const which of first === 'widget' ? ['widget', 'baseline'] : ['baseline', 'widget']) {
        const cid = await sandbox.freshCustomer(`cus_bench_${which}`);
        const run = which === 'widget' ? await widgetRun(page, cid) : await baselineRun(page, cid);
        (which === 'widget' ? widget : baseline).push(run);
        await sandbox.waitQuiet(200, 3000);
      }
    }
  } finally {
    await browser.close();
    if (latency > 0) await sandbox.clearFaults();
  }
  const ms = (runs) => runs.map((r) => r.ms);
  const mw = median(ms(widget));
  const mb = median(ms(baseline));
  const fmt = (xs) => xs.map((x) => Math.round(x)).join(', ');
  console.log(`bench: widget  click->submitted ms: ${fmt(ms(widget))}  (median ${Math.round(mw)}; ${spread(ms(widget))})`);
  console.log(`bench: baseline runBaseline()  ms: ${fmt(ms(baseline))}  (median ${Math.round(mb)}; ${spread(ms(baseline))})`);
  // Where the time goes: the median start and end of each phase, from the
  // click (widget) or the call (baseline). A gap between two phases is the
  // page's own work (parsing answers, starting the next request, rendering).
  for (const [name, runs] of [['widget', widget], ['baseline', baseline]]) {
    const with_ = runs.filter((r) => r.phases);
    const cell = (p, i) => Math.round(median(with_.map((r) => r.phases[p][i])));
    console.log(`bench: ${name.padEnd(8)} phases (median ms from start): ${PHASES.map((p) => `${p} ${cell(p, 0)}-${cell(p, 1)}`).join(', ')}, done ${Math.round(median(ms(runs)))}`);
  }
  // Each widget run next to the baseline run beside it: the machine's
  // drift (other load, the sandbox's growing database) cancels out.
  const paired = widget.map((w, i) => w.ms / baseline[i].ms);
  console.log(`bench: paired ratios (each widget run / the baseline run beside it): median ${median(paired).toFixed(2)}, IQR ${quantile(paired, 0.25).toFixed(2)}-${quantile(paired, 0.75).toFixed(2)}`);
  console.log(`bench: four-file driver's-license flow, widget/baseline median ratio = ${(mw / mb).toFixed(2)} (N=${RUNS} each, alternating)`);
}

main().catch((e) => { console.error(`bench: could not measure: ${e.stack || e}`); process.exit(2); });
