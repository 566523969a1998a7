// The widget's visible states, each reachable from a fresh page through the
// demo page and the sandbox (real uploads, real faults, real webhooks), for the
// accessibility checks (a11y.test.mjs) and the screenshots (scripts/screenshots.mjs).
// Only the stable hooks of api-contract.md §5 and the demo page's callback log
// are used to tell that a state was reached, so the checks survive a new UI.
import { setTimeout as sleep } from 'node:timers/promises';
import * as sandbox from './sandbox.mjs';
import { openDemo, chooseFiles, waitOutcome, kycCount, photo } from './browser.mjs';
import { goodFiles } from './flow.mjs';

/** Demo page parameters every state's page gets (`setPageParams`). */
let pageParams = {};

/** Reach the states with these demo page parameters too (`{ locale: 'ar' }`). */
export function setPageParams(params) {
  pageParams = { ...params };
}

/** How long the `uploading` state holds every PUT (the checks take a few seconds). */
const HOLD_MS = 12000;
let heldUntil = 0;

/** Viewports the checks use. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const NARROW = { width: 320, height: 640 };

/** Where a business customer is sent (demo query `kyb_url`, passed on as the `kybUrl` option). */
export const KYB_URL = 'https://example.com/kyb/start';
/** The reason the `rejected` state carries. */
export const REJECTION_REASON = 'The photo is blurred: the text on the document cannot be read';

/**
 * A browser context for these checks. `bypassCSP`: the demo page's own policy lists
 * only the API and storage at :8787/:8788, and a private sandbox on other ports
 * (E2E_API / E2E_STORAGE) would be refused; it also lets axe be injected as a
 * script tag. Scale factor 1 keeps screenshots small.
 */
export function newContext(browser, viewport = PHONE) {
  return browser.newContext({ bypassCSP: true, viewport, deviceScaleFactor: 1, reducedMotion: 'reduce' });
}

/** Two animation frames: what a resize or a keypress changed is laid out and painted. */
export const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Wait until every chosen photo has been checked (no slot in the `checking` state). */
export async function waitChecked(page, slots, { timeout = 30000 } = {}) {
  await page.waitForFunction((slots) => {
    const root = document.querySelector('.kyc-upload');
    if (!root || root.querySelector('.kyc-slot[data-state=checking]')) return false;
    // a chosen file shows its Remove action
    return slots.every((s) => document.querySelector(`[data-testid=remove-${s}]`));
  }, slots, { timeout, polling: 100 });
}

const hasText = (page, testid, timeout = 20000) => page.waitForFunction(
  (id) => (document.querySelector(`[data-testid=${id}]`)?.textContent || '').trim().length > 0,
  testid, { timeout, polling: 100 },
);

/** Wait for the status panel with `status` (from the demo page's onStatusChange log) to show. */
async function waitStatus(page, status, timeout = 30000) {
  await page.waitForFunction(
    (st) => (window.kycEvents || []).some((e) => e.type === 'status' && e.detail?.status === st),
    status, { timeout, polling: 100 },
  );
  await page.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
  // let the panel settle (focus moves, one render)
  await page.waitForTimeout(300);
}

/** Wait until the form is usable (the document select is enabled). */
export async function waitFormReady(page) {
  await page.waitForFunction(() => {
    const sel = document.querySelector('[data-testid=doc-type]');
    return sel && !sel.disabled;
  }, null, { timeout: 20000, polling: 100 });
}

/**
 * Opens the demo for a fresh individual customer and waits for a usable form.
 * Returns the customer id.
 */
async function openFresh(page, params = {}, customerOpts = {}) {
  const customerId = await sandbox.freshCustomer('cus_a11y', customerOpts);
  await openDemo(page, { customer: customerId, ...pageParams, ...params });
  if (pageParams.locale) await page.waitForSelector(`.kyc-upload[lang="${pageParams.locale}"]`, { timeout: 20000 });
  await waitFormReady(page);
  return customerId;
}

async function clickSubmit(page) {
  await page.click('[data-testid=submit]', { timeout: 15000 });
}

/** A fresh customer's passport photo, checked and submitted (the outcome is the caller's to wait for). */
async function submitPassport(page, params = {}, customerOpts = {}) {
  await openFresh(page, params, customerOpts);
  await chooseFiles(page, 'passport', { id_file: photo('sharp.jpg') });
  await waitChecked(page, ['id_file']);
  await clickSubmit(page);
}

/**
 * Every state: `name` (also the screenshot's file name), `what`, `reach(page)`
 * (leaves the page in the state; may switch sandbox faults on), optionally
 * `holds(page)` (is the page still in that state: for transient states, checked
 * after the measurements) and `cleanup()` (call it after closing the page: faults
 * off, requests still held by the sandbox landed).
 */
export const STATES = [
  {
    name: 'empty',
    what: 'form just mounted, nothing chosen',
    reach: async (page) => { await openFresh(page); },
  },
  ...['passport', 'drivers_license', 'resident_permit'].map((doc) => ({
    name: `doc-${doc}`,
    what: `document type ${doc} chosen, no files yet`,
    reach: async (page) => {
      await openFresh(page);
      await page.selectOption('[data-testid=doc-type]', doc);
      await page.waitForSelector('[data-testid=file-id_file]', { state: 'attached' });
      await page.waitForTimeout(200);
    },
  })),
  {
    name: 'ready',
    what: "driver's license, four good files chosen and checked",
    reach: async (page) => {
      await openFresh(page);
      const files = goodFiles('drivers_license');
      await chooseFiles(page, 'drivers_license', files);
      await waitChecked(page, Object.keys(files));
    },
  },
  {
    name: 'attention-photo',
    what: 'a blurred front photo refused by the quality gate (before any upload)',
    reach: async (page) => {
      await openFresh(page, { quality: 'block' });
      await chooseFiles(page, 'drivers_license', { id_file: photo('blur_sigma20.jpg'), id_file_back: photo('sharp.png') });
      await hasText(page, 'error-id_file');
      await waitChecked(page, ['id_file', 'id_file_back']).catch(() => {});
    },
  },
  {
    name: 'attention-missing',
    what: 'submit pressed with the back of the driving licence missing',
    reach: async (page) => {
      await openFresh(page);
      await chooseFiles(page, 'drivers_license', { id_file: photo('sharp.jpg') });
      await waitChecked(page, ['id_file']);
      await clickSubmit(page);
      await hasText(page, 'error-id_file_back');
      await page.waitForTimeout(200);
    },
  },
  {
    name: 'uploading',
    what: `submission running: every PUT held ${HOLD_MS / 1000} s by a sandbox latency fault`,
    reach: async (page) => {
      await openFresh(page);
      const files = goodFiles('drivers_license', { liveness: false });
      await chooseFiles(page, 'drivers_license', files);
      await waitChecked(page, Object.keys(files));
      await sandbox.setFaults([{ route: 'put', probability: 1, action: { type: 'latency', ms: HOLD_MS } }]);
      heldUntil = Date.now() + HOLD_MS;
      await clickSubmit(page);
      // the handle's `busy`: a submission is running; and the first bytes went out
      await page.waitForFunction(() => window.kycWidget?.busy === true
        && (window.kycEvents || []).some((e) => e.type === 'progress'), null, { timeout: 15000, polling: 100 });
      await page.waitForTimeout(500);
    },
    holds: (page) => page.evaluate(() => window.kycWidget?.busy === true
      && !(window.kycEvents || []).some((e) => e.type === 'submitted' || e.type === 'error')),
    // After the page is closed: the held PUTs end (refused: the browser went away) when
    // their latency is over; wait for that, so their events don't land in the event
    // window of a later test.
    cleanup: async () => {
      await sandbox.clearFaults();
      await sleep(Math.max(0, heldUntil + 500 - Date.now()));
      await sandbox.waitQuiet(300, 5000);
    },
  },
  {
    name: 'stopped',
    what: 'every presign answers 503: the retries run out and the submission stops cleanly',
    reach: async (page) => {
      await openFresh(page);
      await chooseFiles(page, 'passport', { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf') });
      await waitChecked(page, ['id_file', 'proof_of_address_file']);
      await sandbox.setFaults([{ route: 'presign', probability: 1, action: { type: 'status', status: 503 } }]);
      const from = await kycCount(page);
      await clickSubmit(page);
      const r = await waitOutcome(page, { timeout: 60000, from });
      if (r.outcome !== 'stopped') throw new Error(`expected a clean stop, got ${r.outcome} (${r.message})`);
      await sandbox.clearFaults();
      await hasText(page, 'message');
      await page.waitForTimeout(300);
    },
    cleanup: async () => { await sandbox.clearFaults(); await sandbox.waitQuiet(400, 5000); },
  },
  {
    name: 'submitted',
    what: 'verification started, waiting for the result (webhooks not forwarded)',
    reach: async (page) => {
      await submitPassport(page, { webhooks: 0 });
      const r = await waitOutcome(page, { timeout: 60000 });
      if (r.outcome !== 'completed') throw new Error(`expected a completed submission, got ${r.outcome} (${r.message})`);
      await waitStatus(page, 'pending');
    },
  },
  {
    name: 'verified',
    what: 'the customer.verified webhook forwarded by the demo page',
    reach: async (page) => {
      await submitPassport(page, {}, { outcome: 'verify' });
      await waitStatus(page, 'verified', 60000);
    },
  },
  {
    name: 'rejected',
    what: 'the customer.rejected webhook (with a reason) forwarded by the demo page',
    reach: async (page) => {
      await submitPassport(page, {}, { outcome: 'reject', rejection_reason: REJECTION_REASON });
      await waitStatus(page, 'rejected', 60000);
    },
  },
  {
    name: 'business',
    what: 'a business customer (customer_type=business, kyb_url given): refused with a pointer to KYB',
    reach: async (page) => {
      await openDemo(page, { customer: 'cus_business_demo', customer_type: 'business', kyb_url: KYB_URL });
      await hasText(page, 'message').catch(() => {});
      await page.waitForTimeout(300);
    },
  },
];

/**
 * The live camera's states: each names the fake camera it needs (`camera`:
 * the fixture photos and the camera's size, `grant: false` for a refused
 * permission); a11y.test.mjs and scripts/screenshots.mjs give it a browser
 * with that camera (tests/e2e/lib/camera.mjs).
 */
export const CAMERA_STATES = [
  {
    name: 'camera-live',
    what: "driver's license front, live preview with the card's outline; a blurred picture: \"Hold still\"",
    camera: { name: 'blur_sigma12_jpg', specs: ['blur_sigma12.jpg'] },
    reach: (page) => pressCamera(page, 'drivers_license', 'id_file', '[data-testid=camera-view][data-hint=hold_still]'),
    holds: stillLive,
  },
  {
    name: 'camera-taken',
    what: 'passport page taken by itself after good frames: confirm or retake',
    camera: { name: 'sharp_jpg', specs: ['sharp.jpg'] },
    reach: async (page) => {
      await pressCamera(page, 'passport', 'id_file', '[data-testid=camera-view][data-phase=taken] img');
      await page.waitForFunction(() => document.querySelector('[data-testid=camera-view] img')?.complete);
    },
  },
  {
    name: 'camera-selfie',
    what: 'selfie: front camera (640x480) with the oval; a dark picture: "Too dark"',
    camera: { name: 'too_dark_jpg', specs: ['too_dark.jpg'], size: '640x480' },
    reach: (page) => pressCamera(page, 'passport', 'liveness_check_file', '[data-testid=camera-view][data-hint=too_dark]'),
    holds: stillLive,
  },
  {
    name: 'camera-denied',
    what: 'the camera permission refused: one sentence, the file button still there',
    camera: { name: 'sharp_jpg', specs: ['sharp.jpg'], grant: false },
    reach: (page) => pressCamera(page, 'passport', 'id_file', '[data-testid=camera-error]'),
  },
];

/** A fresh form with `doc` chosen, "Take a photo" pressed on `slot`, and `selector` shown. */
async function pressCamera(page, doc, slot, selector) {
  await openFresh(page);
  await page.selectOption('[data-testid=doc-type]', doc);
  await page.click(`[data-testid=camera-${slot}]`);
  await page.waitForSelector(selector, { timeout: 20000 });
}

/** The preview is still live (not taken by itself meanwhile). */
function stillLive(page) {
  return page.$eval('[data-testid=camera-view]', (el) => el.dataset.phase === 'live').catch(() => false);
}

STATES.push(...CAMERA_STATES);

/** A browser for `state`: `shared` unless the state needs a camera (then its own; close it after). */
export async function browserFor(state, shared) {
  if (!state.camera) return { browser: shared, close: async () => {} };
  const { fakeCamera, launchWithCamera } = await import('./camera.mjs');
  const { name, specs, size, grant = true } = state.camera;
  const browser = await launchWithCamera(fakeCamera(name, { specs, size }), { grant });
  return { browser, close: () => browser.close() };
}

export const stateByName = (name) => {
  const s = STATES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown state ${name}; known: ${STATES.map((x) => x.name).join(', ')}`);
  return s;
};

/**
 * Layout at the current viewport: the page must not scroll sideways, and no
 * element of the widget may be wider than the viewport or stick out of it on
 * the right. Returns {viewport, scrollWidth, rootWidth, offenders, culprits, outside}:
 * `offenders` the elements inside `root` that stick out (deepest first, at most 12),
 * `culprits` those of them that cannot shrink (their min-content width, measured by
 * setting `width: min-content` for a moment, still ends past the viewport: they
 * force the width of everything around them), `outside` elements of the host page
 * that stick out (only looked for when the page scrolls sideways). Each entry is
 * one line.
 */
export function overflowReport(page, root = '.kyc-upload') {
  return page.evaluate((root) => {
    const vw = window.innerWidth;
    const describe = (el) => {
      const r = el.getBoundingClientRect();
      const id = el.dataset?.testid ? `[data-testid=${el.dataset.testid}]` : '';
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const txt = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50);
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}${id}> left ${Math.round(r.left)} right ${Math.round(r.right)}`
        + ` width ${Math.round(r.width)}${txt ? ` "${txt}"` : ''}`;
    };
    const sticksOut = (el) => {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return null; // visually hidden, or not rendered
      if (r.width > vw + 0.5) return 'wider than the viewport';
      if (r.right + window.scrollX > vw + 0.5) return 'sticks out on the right';
      return null;
    };
    const minContent = (el) => {
      const saved = el.getAttribute('style');
      el.style.setProperty('width', 'min-content', 'important');
      el.style.setProperty('min-width', '0', 'important');
      const w = el.getBoundingClientRect().width;
      if (saved === null) el.removeAttribute('style'); else el.setAttribute('style', saved);
      return w;
    };
    const deepest = (els) => els.filter((el) => !els.some((o) => o !== el && el.contains(o)));
    const rootEl = document.querySelector(root);
    const scrollWidth = document.documentElement.scrollWidth;
    if (!rootEl) return { viewport: vw, scrollWidth, rootWidth: null, offenders: [`no element matches ${root}`], culprits: [], outside: [] };
    const inWidget = [rootEl, ...rootEl.querySelectorAll('*')].filter((el) => sticksOut(el));
    const offenders = deepest(inWidget).slice(0, 12).map((el) => `${sticksOut(el)}: ${describe(el)}`);
    const culprits = deepest(inWidget.filter((el) => {
      if (getComputedStyle(el).display === 'inline') return false;
      return el.getBoundingClientRect().left + minContent(el) > vw + 0.5;
    })).slice(0, 8).map((el) => `min-content ${Math.round(minContent(el))}px: ${describe(el)}`);
    let outside = [];
    if (scrollWidth > vw) {
      const els = [...document.body.querySelectorAll('*')].filter((el) => !rootEl.contains(el) && !el.contains(rootEl) && sticksOut(el));
      outside = deepest(els).slice(0, 8).map((el) => `${sticksOut(el)}: ${describe(el)}`);
    }
    return { viewport: vw, scrollWidth, rootWidth: Math.round(rootEl.getBoundingClientRect().width), offenders, culprits, outside };
  }, root);
}

/** The overflow report as text (for a failing assertion). */
export function formatOverflow(r) {
  const lines = [`viewport ${r.viewport}px, document scrollWidth ${r.scrollWidth}px, widget root ${r.rootWidth}px wide`];
  if (r.culprits.length) lines.push('cannot shrink to fit (the cause):', ...r.culprits.map((o) => `  ${o}`));
  if (r.offenders.length) lines.push('inside the widget:', ...r.offenders.map((o) => `  ${o}`));
  if (r.outside.length) lines.push('outside the widget (host page):', ...r.outside.map((o) => `  ${o}`));
  return lines.join('\n');
}

/** One line: fits, or the cause and how much sticks out (for summaries across states). */
export function overflowSummary(r) {
  if (r.scrollWidth <= r.viewport && !r.offenders.length) return `fits (scrollWidth ${r.scrollWidth})`;
  const cause = r.culprits.map((c) => c.replace(/ left .*$/, '').replace(/^min-content (\d+)px: (.*)$/, '$2 (min-content $1px)'));
  return `OVERFLOWS: scrollWidth ${r.scrollWidth}, widget ${r.rootWidth}px; cannot shrink: ${cause.join(', ') || '(none found)'}`
    + `; ${r.offenders.length} widget element(s) stick out${r.outside.length ? `, ${r.outside.length} host element(s)` : ''}`;
}
