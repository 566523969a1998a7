// The widget's languages, in headless Chromium with the real built bundle
// (dist/) served from a host page on 127.0.0.1:$E2E_PACKAGE_PORT, against
// the sandbox:
// - each shipped locale mounts in its own words (its file's texts, `lang`,
//   `dir`, no axe-core violation), regional tags get their language, unknown
//   ones English;
// - the default follows navigator.languages;
// - numbers and sizes are the browser's Intl formatting for the locale;
// - Arabic is laid out right to left, with zero axe-core violations;
// - the `messages` option overrides one text, for all locales or for one;
// - a locale file that fails to load leaves the widget in English and a
//   whole flow completes;
// - changing the <kyc-upload> element's locale attribute mid-upload switches
//   the language and the upload goes on (each file sent once, id_file last).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as sandbox from './lib/sandbox.mjs';
import { launch, ROOT, photo, chooseFiles, submit, recordConsole } from './lib/browser.mjs';
import { startHostServer } from './lib/host.mjs';
import { runAxe, formatViolations } from './lib/axe.mjs';
import { idSubmissions } from './lib/invariants.mjs';
import { dumpEvents } from './lib/flow.mjs';

const DIST = process.env.E2E_DIST ?? path.join(ROOT, 'dist');
const PORT = Number(process.env.E2E_PACKAGE_PORT ?? 8792);
const HOST = `http://127.0.0.1:${PORT}`;

/** The shipped locales' files, as the bundle serves them. */
const LOCALES = ['es', 'fr', 'de', 'it', 'pt-BR', 'pl', 'ar', 'ja'];
const FILES = Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(fs.readFileSync(path.join(DIST, 'locales', `${l}.json`), 'utf8'))]));
const ENGLISH = { 'submit.button': 'Submit documents', 'doc.label': 'Identity document', 'state.ready': 'Ready', 'submit.busy': 'Uploading\u2026' };
const words = (locale, id) => (locale === 'en' ? ENGLISH[id] : FILES[locale][id]);

const SCRIPT = `
import init, { mount } from "/kyc-upload.js";
const q = new URLSearchParams(location.search);
window.kycEvents = [];
const log = (type) => (detail) => window.kycEvents.push({ type, detail });
await init();
const options = {
  apiBase: q.get("api"), customerId: q.get("customer"), customerType: "individual",
  getToken: () => fetch("/token", { method: "POST" }).then((r) => r.json()),
  onSubmitted: log("submitted"), onError: log("error"), onProgress: log("progress"),
};
if (q.has("locale")) options.locale = q.get("locale");
if (q.has("messages")) options.messages = JSON.parse(q.get("messages"));
window.kycWidget = mount(document.getElementById("kyc"), options);
`;
const ELEMENT_SCRIPT = `
import init from "/kyc-upload.js";
const q = new URLSearchParams(location.search);
window.kycEvents = [];
await init();
const el = document.createElement("kyc-upload");
el.setAttribute("api-base", q.get("api"));
el.setAttribute("customer-id", q.get("customer"));
el.setAttribute("customer-type", "individual");
el.setAttribute("locale", q.get("locale"));
for (const type of ["kyc-submitted", "kyc-error", "kyc-progress"]) el.addEventListener(type, (e) => window.kycEvents.push({ type, detail: e.detail }));
el.getToken = () => fetch("/token", { method: "POST" }).then((r) => r.json());
document.body.append(el);
`;
const page = (script) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="/www/kyc-upload.css"></head><body><div id="kyc"></div>
<script type="module">${script}</script></body></html>`;

let server;
let browser;
before(async () => {
  await sandbox.waitUp();
  await sandbox.clearFaults();
  server = await startHostServer({ dir: DIST, port: PORT, tokenPath: '/token', pages: { '/mount.html': page(SCRIPT), '/element.html': page(ELEMENT_SCRIPT) } });
  browser = await launch();
});
after(async () => {
  await sandbox.clearFaults().catch(() => {});
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Opens the mount page for a fresh customer; resolves once the widget speaks `expect` (its root's `lang`). */
async function open(params, { expect, context = {} } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, ...context });
  const p = await ctx.newPage();
  const consoleLines = recordConsole(p);
  const customer = await sandbox.freshCustomer('cus_locale');
  const q = new URLSearchParams({ api: `${sandbox.API}/v1`, customer, ...params });
  await p.goto(`${HOST}/${params.page ?? 'mount.html'}?${q}`, { waitUntil: 'load' });
  if (expect) {
    await p.waitForSelector(`.kyc-upload[lang="${expect}"]`, { timeout: 20000 })
      .catch(() => assert.fail(`the widget never spoke ${expect}\nconsole:\n  ${consoleLines.join('\n  ')}`));
  }
  return { page: p, customer, consoleLines, close: () => ctx.close() };
}

const textOf = (p, selector) => p.locator(selector).first().textContent().then((t) => t.trim());

test('each shipped locale mounts in its own words, lang and dir, with zero axe-core violations; regional tags get their language', async () => {
  const cases = [['en', 'en'], ...LOCALES.map((l) => [l, l]), ['es-MX', 'es'], ['pt-PT', 'pt-BR'], ['fr-CA', 'fr'], ['tlh', 'en'], ['zz-Latn-x-what', 'en']];
  for (const [asked, shown] of cases) {
    const w = await open({ locale: asked }, { expect: shown });
    try {
      assert.equal(await textOf(w.page, '[data-testid=submit]'), words(shown, 'submit.button'), `${asked}: submit`);
      assert.equal(await textOf(w.page, 'label[for=kyc-doc-type]'), words(shown, 'doc.label'), `${asked}: document label`);
      const dir = await w.page.getAttribute('.kyc-upload', 'dir');
      assert.equal(dir, shown === 'ar' ? 'rtl' : 'ltr', `${asked}: dir`);
      if (asked === shown) {
        // The driver's license form (every slot shown) in this language: no axe-core violation.
        await w.page.selectOption('[data-testid=doc-type]', 'drivers_license');
        await w.page.waitForSelector('[data-testid=file-id_file_back]', { state: 'attached' });
        const violations = await runAxe(w.page);
        assert.equal(violations.length, 0, formatViolations(violations, { label: shown }));
      }
    } finally {
      await w.close();
    }
  }
});

test('without a locale option the widget follows navigator.languages', async () => {
  const w = await open({}, { expect: 'de', context: { locale: 'de-AT' } });
  try {
    assert.equal(await w.page.evaluate(() => navigator.language), 'de-AT');
    assert.equal(await textOf(w.page, '[data-testid=submit]'), FILES.de['submit.button']);
  } finally {
    await w.close();
  }
});

test("sizes and states are put into words by the browser's Intl for the locale", async () => {
  const w = await open({ locale: 'de' }, { expect: 'de' });
  try {
    await chooseFiles(w.page, 'passport', { proof_of_address_file: photo('utility_bill.pdf') });
    const meta = w.page.locator('[data-slot=proof_of_address_file] .kyc-file-meta');
    await meta.waitFor({ timeout: 20000 });
    const bytes = fs.statSync(photo('utility_bill.pdf')).size;
    const [unit, value] = bytes < 1024 ? ['byte', bytes] : bytes < 1048576 ? ['kilobyte', bytes / 1024] : ['megabyte', bytes / 1048576];
    const size = new Intl.NumberFormat('de', { style: 'unit', unit, maximumFractionDigits: 1, unitDisplay: unit === 'byte' ? 'long' : 'short' }).format(value);
    const expected = FILES.de['file.meta'].replace('{size}', size).replace('{state}', FILES.de['state.ready']);
    assert.equal((await meta.textContent()).trim(), expected);
  } finally {
    await w.close();
  }
});

test('Arabic is laid out right to left, with zero axe-core violations', async () => {
  const w = await open({ locale: 'ar' }, { expect: 'ar' });
  try {
    const p = w.page;
    await chooseFiles(p, 'drivers_license', { id_file: photo('sharp.jpg') });
    await p.waitForSelector('[data-testid=remove-id_file]', { timeout: 30000 });
    await submit(p); // refused: the back is missing; shows the summary and a slot error
    await p.waitForFunction(() => document.querySelector('[data-testid=error-id_file_back]')?.textContent.trim(), null, { timeout: 10000 });
    const layout = await p.evaluate(() => {
      const root = document.querySelector('.kyc-upload').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('label[for=kyc-doc-type]'));
      const label = range.getBoundingClientRect();
      const remove = document.querySelector('[data-testid=remove-id_file]').getBoundingClientRect();
      const thumb = document.querySelector('[data-testid=preview-id_file]').getBoundingClientRect();
      return { direction: getComputedStyle(document.querySelector('.kyc-upload')).direction, root, label, remove, thumb };
    });
    assert.equal(layout.direction, 'rtl');
    // The label's text starts at the right edge; the thumbnail comes first (right), Remove last (left).
    assert.ok(layout.root.right - layout.label.right < layout.label.left - layout.root.left, JSON.stringify(layout));
    assert.ok(layout.thumb.left > layout.remove.left, `thumbnail right of Remove: ${JSON.stringify(layout)}`);
    const violations = await runAxe(p);
    assert.equal(violations.length, 0, formatViolations(violations, { label: 'ar' }));
  } finally {
    await w.close();
  }
});

test('the messages option overrides one text, for every locale or for one', async () => {
  const messages = JSON.stringify({ 'doc.hint': 'Any photo ID we accept.', es: { 'submit.button': 'Enviar ya' } });
  const es = await open({ locale: 'es', messages }, { expect: 'es' });
  try {
    assert.equal(await textOf(es.page, '[data-testid=submit]'), 'Enviar ya');
    assert.equal(await textOf(es.page, '#kyc-doc-hint'), 'Any photo ID we accept.');
    assert.equal(await textOf(es.page, 'label[for=kyc-doc-type]'), FILES.es['doc.label'], 'the rest stays Spanish');
  } finally {
    await es.close();
  }
  const fr = await open({ locale: 'fr', messages }, { expect: 'fr' });
  try {
    assert.equal(await textOf(fr.page, '[data-testid=submit]'), FILES.fr['submit.button'], 'the Spanish override is not French');
    assert.equal(await textOf(fr.page, '#kyc-doc-hint'), 'Any photo ID we accept.');
  } finally {
    await fr.close();
  }
});

test('a locale file that fails to load leaves the widget in English, and a flow completes', async () => {
  for (const failure of ['404', 'not JSON']) {
    const ctx = await browser.newContext();
    await ctx.route('**/locales/fr.json', (route) => (failure === '404'
      ? route.fulfill({ status: 404, body: 'missing' })
      : route.fulfill({ status: 200, contentType: 'application/json', body: '{"submit.button": "Env' })));
    const p = await ctx.newPage();
    const consoleLines = recordConsole(p);
    const customer = await sandbox.freshCustomer('cus_locale_fail');
    const q = new URLSearchParams({ api: `${sandbox.API}/v1`, customer, locale: 'fr' });
    try {
      const asked = p.waitForResponse('**/locales/fr.json');
      await p.goto(`${HOST}/mount.html?${q}`, { waitUntil: 'load' });
      await asked;
      await p.waitForSelector('.kyc-upload', { timeout: 20000 });
      // The load has failed: the warning names the locale, and the widget is English.
      await waitFor(() => consoleLines.some((l) => l.includes('locale "fr" could not be loaded')), `a console warning (${failure})\n${consoleLines.join('\n')}`);
      assert.equal(await p.getAttribute('.kyc-upload', 'lang'), 'en');
      assert.equal(await textOf(p, '[data-testid=submit]'), 'Submit documents');
      await chooseFiles(p, 'passport', { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf') });
      await p.waitForSelector('[data-testid=remove-id_file]', { timeout: 30000 });
      await submit(p);
      await p.waitForFunction(() => window.kycEvents.some((e) => e.type === 'submitted'), null, { timeout: 60000 })
        .catch(async () => assert.fail(`no onSubmitted (${failure}): ${JSON.stringify(await p.evaluate(() => window.kycEvents))}`));
      await sandbox.waitQuiet(400, 5000);
      const mine = await sandbox.events({ customerId: customer });
      assert.equal(idSubmissions(mine, customer).length, 1, dumpEvents(mine));
    } finally {
      await ctx.close();
    }
  }
});

test("changing the element's locale mid-upload switches the language and the upload goes on", async () => {
  const w = await open({ page: 'element.html', locale: 'en' }, { expect: 'en' });
  const p = w.page;
  try {
    await chooseFiles(p, 'drivers_license', { id_file: photo('sharp.jpg'), id_file_back: photo('sharp.png'), proof_of_address_file: photo('utility_bill.pdf') });
    await p.waitForSelector('[data-testid=remove-id_file_back]', { timeout: 30000 });
    await p.waitForFunction(() => document.querySelectorAll('.kyc-slot[data-state=ready]').length === 3, null, { timeout: 30000 });
    // Every PUT takes 3 s, so the switch lands while the files are on their way.
    await sandbox.setFaults([{ route: 'put', probability: 1, action: { type: 'latency', ms: 3000 } }]);
    await submit(p);
    // Switch once the first file's progress bar shows.
    await p.waitForSelector('[role=progressbar]', { timeout: 15000 });
    const bars = await p.locator('[role=progressbar]').evaluateAll((els) => els.map((e) => e.dataset.testid));
    assert.match(await textOf(p, '[data-testid=live]'), /Uploading your documents/, 'the live region announced the upload');
    await p.evaluate(() => document.querySelector('kyc-upload').setAttribute('locale', 'ja'));
    await p.waitForSelector('.kyc-upload[lang=ja]', { timeout: 10000 });
    // What was announced is not read again, translated: the live region starts over.
    const live = await textOf(p, '[data-testid=live]');
    assert.ok(!live.includes('Uploading your documents') && !live.includes(FILES.ja['live.uploading']), `live region after the switch: ${live}`);
    assert.equal(await textOf(p, '[data-testid=submit]'), FILES.ja['submit.busy'], 'still uploading, now in Japanese');
    const after = await p.locator('[role=progressbar]').evaluateAll((els) => els.map((e) => e.dataset.testid));
    assert.ok(bars.every((b) => after.includes(b)), `the progress bars are still there: ${bars} -> ${after}`);
    await p.waitForFunction(() => window.kycEvents.some((e) => e.type === 'kyc-submitted'), null, { timeout: 60000 })
      .catch(async () => assert.fail(`no kyc-submitted: ${JSON.stringify(await p.evaluate(() => window.kycEvents))}\n${w.consoleLines.join('\n')}`));
    assert.equal(await textOf(p, '[data-testid=status] h3'), FILES.ja['status.pending.title']);
    assert.match(await textOf(p, '[data-testid=live]'), new RegExp(FILES.ja['live.submitted']), 'later announcements are in Japanese');
    await sandbox.clearFaults();
    await sandbox.waitQuiet(400, 5000);
    const mine = await sandbox.events({ customerId: w.customer });
    const puts = mine.filter((e) => e.kind === 'put');
    assert.equal(puts.length, 3, `each file sent once, none restarted\n${dumpEvents(mine)}`);
    assert.equal(idSubmissions(mine, w.customer).length, 1, dumpEvents(mine));
    const errors = (await p.evaluate(() => window.kycEvents)).filter((e) => e.type === 'kyc-error');
    assert.deepEqual(errors, []);
  } finally {
    await sandbox.clearFaults();
    await w.close();
  }
});

async function waitFor(condition, what, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
