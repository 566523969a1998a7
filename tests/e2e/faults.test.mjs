// Fault-injection suite: seeded, randomised end-to-end flows through the real
// built widget against the sandbox with faults switched on.
//
//   FAULT_FLOWS=40  (CI, default)      FAULT_FLOWS=200 (full run)
//   FAULT_SEED=123  replay one flow     FAULT_BASE_SEED=1000  start of the seed range
//
// Every flow must end either completed (every chosen file recorded exactly once,
// id_file last) or stopped with a clear error shown and id_file never accepted.
// The sandbox's event log is the judge (lib/invariants.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as sandbox from './lib/sandbox.mjs';
import { launch, photo, TWO_SIDED, recordConsole, ROOT } from './lib/browser.mjs';
import { runFlow, dumpEvents } from './lib/flow.mjs';
import { flowStats } from './lib/invariants.mjs';

const FLOWS = Number(process.env.FAULT_FLOWS || 40);
const BASE = Number(process.env.FAULT_BASE_SEED || 1);
const ONE = process.env.FAULT_SEED;
const SEEDS = ONE ? [Number(ONE)] : Array.from({ length: FLOWS }, (_, i) => BASE + i);
const FLOW_TIMEOUT_MS = Number(process.env.FAULT_FLOW_TIMEOUT_MS || 60000);

/** mulberry32: small, seedable, good enough to pick scenarios. */
function rng(seed) {
  let a = (seed * 0x9e3779b1) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const ROUTES = ['token', 'presign', 'put', 'files', 'customer', 'any'];

/** The scenario of one seed: document, files, page parameters and fault rules. */
export function planFor(seed) {
  const r = rng(seed);
  const docType = r.pick(['passport', 'drivers_license', 'resident_permit']);
  // distinct photos per slot: the widget rightly flags the same file chosen twice
  const images = ['sharp.jpg', 'sharp.png', 'exif_rotated.jpg'];
  for (let i = images.length - 1; i > 0; i--) { const j = r.int(0, i); [images[i], images[j]] = [images[j], images[i]]; }
  const files = { id_file: photo(images[0]) };
  if (TWO_SIDED.has(docType)) files.id_file_back = photo(images[1]);
  if (r.chance(0.5)) files.proof_of_address_file = photo('utility_bill.pdf');
  if (r.chance(0.5)) files.liveness_check_file = photo(images[2]);
  const params = {};
  if (r.chance(0.15)) params.token_fail_once = 1;

  const rules = [];
  const menu = [
    [3, () => ({ route: r.pick(ROUTES), probability: r.pick([0.2, 0.3, 0.5]), count: r.int(1, 3),
      action: { type: 'status', status: r.pick([500, 502, 503]) } })],
    [2, () => ({ route: r.pick(ROUTES), probability: r.pick([0.3, 0.5, 1]), count: r.int(1, 2),
      action: { type: 'status', status: 429, retry_after: r.pick([0, 1]) } })],
    [2, () => ({ route: r.pick(ROUTES), probability: r.pick([0.3, 0.6, 1]),
      action: { type: 'latency', ms: r.int(20, 300) } })],
    [2, () => ({ route: 'put', probability: r.pick([0.3, 0.6, 1]), count: r.int(1, 2), action: { type: 'drop' } })],
    [2, () => ({ route: r.pick(['presign', 'files', 'customer', 'any']), probability: 1, count: 1,
      action: { type: 'expire_token' } })],
    [2, () => ({ route: r.pick(['presign', 'put']), probability: r.pick([0.5, 1]), count: 1,
      action: { type: 'expire_presign' } })],
    // a route that keeps failing: the widget must give up cleanly
    [1, () => ({ route: r.pick(['presign', 'put', 'files', 'any']), probability: 1,
      action: { type: 'status', status: r.pick([500, 503]) } })],
  ];
  const total = menu.reduce((s, [w]) => s + w, 0);
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    let x = r.next() * total;
    for (const [w, make] of menu) {
      if ((x -= w) < 0) { rules.push(make()); break; }
    }
  }
  return { seed, docType, files, params, rules, customerId: `cus_f${seed}` };
}

const report = {
  flows: 0, completed: 0, clean_stops: 0, timeouts: 0, violations: 0, duplicate_submissions: 0,
  authorization_on_storage: 0, retries: 0, faults: {}, stopped_without_faults: 0, stops_before_submit: 0, failing_seeds: [],
};

let browser;
let context;
let page;
let consoleLines = [];

before(async () => {
  await sandbox.waitUp();
  await sandbox.clearFaults();
  browser = await launch();
  context = await browser.newContext();
  page = await context.newPage();
  consoleLines = recordConsole(page);
});

after(async () => {
  await sandbox.clearFaults().catch(() => {});
  await browser?.close();
  const faults = Object.entries(report.faults).sort().map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  const lines = [
    `fault suite: ${report.flows} flows (seeds ${SEEDS[0]}..${SEEDS.at(-1)}), ${report.completed} completed, `
      + `${report.clean_stops} clean stops, ${report.timeouts} hung, ${report.violations} violations, `
      + `${report.duplicate_submissions} duplicate submissions, ${report.authorization_on_storage} Authorization headers on storage`,
    `fault suite: faults injected by kind: ${faults}; retries: ${report.retries}; clean stops before submit (form never usable): ${report.stops_before_submit}; stops without any fault: ${report.stopped_without_faults}`,
  ];
  if (report.failing_seeds.length) {
    lines.push(`fault suite: failing seeds: ${report.failing_seeds.join(' ')} — replay one with: FAULT_SEED=<seed> node --test tests/e2e/faults.test.mjs`);
  }
  for (const l of lines) console.log(l);
  const out = path.join(ROOT, 'target', 'test-logs');
  try {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'faults-report.txt'), `${lines.join('\n')}\n`);
    fs.writeFileSync(path.join(out, 'faults-report.json'), JSON.stringify({ seeds: SEEDS, ...report }, null, 2));
  } catch { /* report is also on stdout */ }
});

test(`fault-injection suite: ${SEEDS.length} seeded flows`, async (t) => {
  for (const seed of SEEDS) {
    await t.test(`seed ${seed}`, async () => {
      const plan = planFor(seed);
      const replay = `replay: FAULT_SEED=${seed} node --test tests/e2e/faults.test.mjs`;
      consoleLines.length = 0;
      const customerId = await sandbox.createCustomer(plan.customerId);
      let r;
      try {
        r = await runFlow(page, {
          customerId,
          docType: plan.docType,
          files: plan.files,
          params: plan.params,
          timeout: FLOW_TIMEOUT_MS,
          beforeOpen: () => sandbox.setFaults(plan.rules, seed),
        });
      } finally {
        await sandbox.clearFaults();
      }
      const stats = flowStats(r.events);
      report.flows += 1;
      report.retries += stats.retries;
      for (const [k, v] of Object.entries(stats.faults)) report.faults[k] = (report.faults[k] || 0) + v;
      report.duplicate_submissions += r.violations.filter((v) => v.startsWith('duplicate submission')).length;
      report.authorization_on_storage += r.events.filter((e) => e.kind === 'put' && e.authorization === true).length;
      if (r.outcome === 'completed') report.completed += 1;
      if (r.outcome === 'timeout') report.timeouts += 1;
      const problems = [...r.violations];
      if (r.outcome === 'stopped') {
        report.clean_stops += 1;
        if (r.stage === 'before_submit') report.stops_before_submit += 1;
        if (!r.message) problems.push('flow stopped without a message in [data-testid=message]');
        const err = r.kyc.find((e) => e.type === 'error');
        if (!err || !err.detail || !err.detail.code) problems.push(`onError without a code: ${JSON.stringify(err)}`);
        if (Object.keys(stats.faults).length === 0 && !plan.params.token_fail_once) report.stopped_without_faults += 1;
      }
      report.violations += r.violations.length;
      if (problems.length) {
        report.failing_seeds.push(seed);
        assert.fail(`seed ${seed}: ${problems.length} problem(s) — ${replay}\n  ${problems.join('\n  ')}\n`
          + `plan: ${JSON.stringify({ ...plan, files: Object.fromEntries(Object.entries(plan.files).map(([k, v]) => [k, path.basename(v)])) })}\n`
          + `outcome: ${r.outcome}, message: ${JSON.stringify(r.message)}\nevents:\n${dumpEvents(r.events)}\n`
          + `kycEvents: ${JSON.stringify(r.kyc)}\nconsole:\n  ${consoleLines.slice(-15).join('\n  ')}`);
      }
    });
  }
});
