#!/usr/bin/env node
// Screenshots of every state of the widget at a phone width (390 px, device scale
// factor 1), from the release build in dist/ served by the sandbox's demo host:
//
//   ./scripts/build.sh && node scripts/screenshots.mjs [--out DIR] [--widths 320,390,1280] [--locale TAG] [state ...]
//
// Writes DIR/<state>.png (default docs/screenshots/; DIR/<state>-<TAG>.png with
// --locale, the widget in that language): the widget element only
// (`.kyc-upload`, whole even when taller than the screen), and prints the list.
// `--widths` adds other viewport widths (DIR/<state>-<width>.png; 390 stays <state>.png),
// each state reached once and the viewport resized.
// The states are tests/e2e/lib/states.mjs's (the ones a11y.test.mjs checks):
// empty, doc-<type>, ready, attention-photo, attention-missing, uploading, stopped,
// submitted, verified, rejected, business, and the live camera's camera-live,
// camera-taken, camera-selfie, camera-denied (each with its own fake camera).
//
// Sandbox: a running one with the admin API at E2E_API (default
// http://127.0.0.1:8787; E2E_STORAGE, E2E_DEMO likewise) is reused; otherwise one
// is started the way scripts/test.sh does (target/release/kyc-sandbox --admin
// --demo-dir dist, a temporary data dir, on KYC_API_ADDR / KYC_STORAGE_ADDR /
// KYC_DEMO_ADDR, default 127.0.0.1:8787/8788/8790) and stopped at the end.
// Needs tests/e2e's npm packages (npm ci there) and Debian's /usr/bin/chromium
// (and fonts-noto-cjk for --locale ja).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let out = path.join(ROOT, 'docs', 'screenshots');
let widths = [390];
let locale = null;
const wanted = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = path.resolve(args[++i]);
  else if (args[i] === '--widths') {
    widths = String(args[++i]).split(',').map(Number);
    if (!widths.length || widths.some((w) => !Number.isInteger(w) || w < 200 || w > 3000)) {
      console.error('--widths takes viewport widths in px, e.g. 320,390,1280');
      process.exit(2);
    }
  } else if (args[i] === '--locale') locale = args[++i];
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: node scripts/screenshots.mjs [--out DIR] [--widths 320,390,1280] [--locale TAG] [state ...]');
    process.exit(0);
  } else wanted.push(args[i]);
}

const apiAddr = process.env.KYC_API_ADDR ?? '127.0.0.1:8787';
const storageAddr = process.env.KYC_STORAGE_ADDR ?? '127.0.0.1:8788';
const demoAddr = process.env.KYC_DEMO_ADDR ?? '127.0.0.1:8790';
process.env.E2E_API ??= `http://${apiAddr}`;
process.env.E2E_STORAGE ??= `http://${storageAddr}`;
process.env.E2E_DEMO ??= `http://${demoAddr}`;

const e2e = path.join(ROOT, 'tests', 'e2e');
if (!fs.existsSync(path.join(e2e, 'node_modules', 'playwright-core'))) {
  console.error('tests/e2e/node_modules is missing: run `npm ci` in tests/e2e (or ./scripts/setup.sh)');
  process.exit(1);
}
// After the environment is set: the lib reads the addresses when it loads.
const sandbox = await import(path.join(e2e, 'lib', 'sandbox.mjs'));
const { STATES, PHONE, newContext, browserFor, setPageParams } = await import(path.join(e2e, 'lib', 'states.mjs'));
if (locale) setPageParams({ locale });
const { launch } = await import(path.join(e2e, 'lib', 'browser.mjs'));

const states = wanted.length ? wanted.map((n) => {
  const s = STATES.find((x) => x.name === n);
  if (!s) { console.error(`unknown state ${n}; known: ${STATES.map((x) => x.name).join(', ')}`); process.exit(2); }
  return s;
}) : STATES;

async function portFree(addr) {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  const net = await import('node:net');
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.once('connect', () => { sock.destroy(); resolve(false); });
    sock.once('error', () => resolve(true));
  });
}

/** Start a private sandbox (like scripts/test.sh). Returns a stop function. */
async function startSandbox() {
  const bin = path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release', 'kyc-sandbox');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: cargo build --release -p kyc-sandbox`);
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.html'))) throw new Error('dist/index.html is missing: ./scripts/build.sh first');
  for (const a of [apiAddr, storageAddr, demoAddr]) {
    if (!(await portFree(a))) {
      throw new Error(`${a} is in use by something that is not a sandbox with --admin; stop it or set KYC_API_ADDR / KYC_STORAGE_ADDR / KYC_DEMO_ADDR`);
    }
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-screenshots-'));
  const demoPort = demoAddr.slice(demoAddr.lastIndexOf(':') + 1);
  const child = spawn(bin, [
    '--admin', '--data-dir', data, '--demo-dir', path.join(ROOT, 'dist'),
    '--api-addr', apiAddr, '--storage-addr', storageAddr, '--demo-addr', demoAddr,
    '--webhook-url', `http://${demoAddr}/demo/webhook`,
    '--allow-origin', `http://${demoAddr}`, '--allow-origin', `http://localhost:${demoPort}`,
    '--review-delay', '0.5',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await Promise.race([
      sandbox.waitUp(30000),
      exited.then((code) => { throw new Error(`the sandbox exited (${code}): ${stderr.slice(-800)}`); }),
    ]);
  } catch (e) {
    child.kill();
    fs.rmSync(data, { recursive: true, force: true });
    throw e;
  }
  console.log(`started a sandbox (pid ${child.pid}): api ${process.env.E2E_API}, demo ${process.env.E2E_DEMO}, serving dist/`);
  return async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(data, { recursive: true, force: true });
  };
}

let stop = null;
if (await sandbox.isUp()) {
  console.log(`using the running sandbox at ${process.env.E2E_API} (its demo host ${process.env.E2E_DEMO} serves its own --demo-dir)`);
} else {
  stop = await startSandbox();
}

fs.mkdirSync(out, { recursive: true });
const browser = await launch();
const written = [];
const failed = [];
try {
  await sandbox.clearFaults();
  for (const state of states) {
    const own = await browserFor(state, browser);
    const context = await newContext(own.browser, PHONE);
    const page = await context.newPage();
    try {
      await state.reach(page);
      const widget = page.locator('.kyc-upload').first();
      for (const width of widths) {
        await page.setViewportSize({ width, height: PHONE.height });
        const name = [state.name, width === PHONE.width ? null : width, locale].filter(Boolean).join('-');
        const file = path.join(out, `${name}.png`);
        await widget.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        written.push(`${path.relative(ROOT, file)}  ${(fs.statSync(file).size / 1024).toFixed(1)} kB  (${state.what})`);
      }
    } catch (e) {
      failed.push(`${state.name}: ${e.message.split('\n')[0]}`);
    } finally {
      await context.close();
      await own.close();
      await state.cleanup?.();
    }
  }
} finally {
  await sandbox.clearFaults().catch(() => {});
  await browser.close();
  if (stop) await stop();
}
console.log(`${written.length} screenshot(s) at ${widths.join(', ')} px:`);
for (const w of written) console.log(`  ${w}`);
if (failed.length) {
  console.error(`${failed.length} state(s) not captured:`);
  for (const f of failed) console.error(`  ${f}`);
  process.exit(1);
}
