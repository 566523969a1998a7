// Headless Chromium (Debian's, via playwright-core) driving the Trunk-built demo page.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { API, DEMO } from './sandbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (tests/e2e/lib -> ../../..). */
export const ROOT = path.resolve(here, '..', '..', '..');

/**
 * Writes `text` to target/test-logs/<name> (scripts/test.sh shows these
 * reports). A report that cannot be written is not a test failure: the
 * suites print it too.
 */
export function writeTestLog(name, text) {
  const dir = path.join(ROOT, 'target', 'test-logs');
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), text.endsWith('\n') ? text : `${text}\n`);
  } catch { /* report only */ }
}
/** Photo fixtures: shared/ is always the repository's sibling. */
export const PHOTOS = process.env.E2E_PHOTOS ?? path.resolve(ROOT, '..', 'shared', 'fixtures', 'photos');
export const photo = (name) => path.join(PHOTOS, name);

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// This machine's network is closed: without these Chromium keeps dialing out.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launch({ extraArgs = [] } = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Slots, in the order a person would fill them. */
export const SLOTS = ['id_file', 'id_file_back', 'proof_of_address_file', 'liveness_check_file'];
export const TWO_SIDED = new Set(['drivers_license', 'resident_permit']);

/** Demo page URL with query parameters (customer, customer_type, token_ttl, token_fail_once, quality, ...). */
export function demoUrl(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  return `${DEMO}/${q.size ? `?${q}` : ''}`;
}

/**
 * Open the demo page and wait until the widget has mounted (the submit button
 * or, for refused customers, the message is in the DOM).
 */
export async function openDemo(page, params = {}, { timeout = 30000 } = {}) {
  // `api` tells the demo page where the API is (it defaults to <page host>:8787).
  await page.goto(demoUrl({ api: `${API}/v1`, ...params }), { waitUntil: 'load', timeout });
  await page.waitForSelector('[data-testid=submit], [data-testid=message]', { state: 'attached', timeout });
}

/**
 * Choose a document type and files. `files` maps slot -> path (or array of paths).
 * Waits until each chosen slot's client-side check is done (no "checking" state is
 * observable in a stable way, so the submit click itself waits for enabled).
 */
export async function chooseFiles(page, docType, files) {
  if (docType) await page.selectOption('[data-testid=doc-type]', docType);
  for (const slot of SLOTS) {
    if (!files[slot]) continue;
    await page.setInputFiles(`[data-testid=file-${slot}]`, files[slot]);
  }
}

/** Click submit once (waits for the button to be enabled). */
export async function submit(page, { timeout = 30000 } = {}) {
  await page.click('[data-testid=submit]', { timeout });
}

/** The demo page's callback log. */
export const kycEvents = (page) => page.evaluate(() => (window.kycEvents || []).map((e) => ({ type: e.type, detail: e.detail })));

export async function text(page, testid) {
  const el = await page.$(`[data-testid=${testid}]`);
  if (!el) return null;
  return ((await el.textContent()) || '').trim();
}

export async function isVisible(page, testid) {
  const el = await page.$(`[data-testid=${testid}]`);
  return el ? el.isVisible() : false;
}

/**
 * Wait for the outcome of one click: 'completed' (a `submitted` callback), 'stopped'
 * (an `error` callback and no `submitted` within `graceMs`), or 'timeout'. Only
 * callbacks from index `from` of `window.kycEvents` on count (the ones since the
 * click); `events` is that slice, `code` the code of its last `error`.
 */
export async function waitOutcome(page, { timeout = 60000, graceMs = 1500, from = 0 } = {}) {
  const slice = async () => (await kycEvents(page)).slice(from);
  try {
    await page.waitForFunction(
      (i) => (window.kycEvents || []).slice(i).some((e) => e.type === 'submitted' || e.type === 'error'),
      from, { timeout, polling: 100 },
    );
  } catch {
    return { outcome: 'timeout', events: await slice().catch(() => []), message: await text(page, 'message').catch(() => null), code: null };
  }
  let evs = await slice();
  if (!evs.some((e) => e.type === 'submitted')) {
    try {
      await page.waitForFunction(
        (i) => (window.kycEvents || []).slice(i).some((e) => e.type === 'submitted'),
        from, { timeout: graceMs, polling: 100 },
      );
    } catch { /* stays stopped */ }
    evs = await slice();
  }
  const outcome = evs.some((e) => e.type === 'submitted') ? 'completed' : 'stopped';
  const err = evs.filter((e) => e.type === 'error').at(-1);
  return { outcome, events: evs, message: await text(page, 'message'), code: err?.detail?.code ?? null };
}

/** Number of callbacks the demo page has logged so far (the `from` of the next click). */
export const kycCount = (page) => page.evaluate(() => (window.kycEvents || []).length);

/** Collect console messages and page errors of a page (for diagnostics and leak checks). */
export function recordConsole(page) {
  const lines = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}
