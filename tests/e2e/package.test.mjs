// The npm package: scripts/package.sh's tarball holds exactly the intended
// files; the hand-written TypeScript declarations accept a typed host and
// reject wrong host code (one file per mistake, each failing with its own
// error); the tarball installs offline into an empty host project, which
// type-checks against it and bundles with esbuild (and the README's example
// with Vite and webpack, no wasm or locale setup), and imports in Node
// without effect (a server render); the bundled host pages
// (`mount`, `<kyc-upload>`, a React app in StrictMode, the README's) complete a passport flow in headless Chromium
// against the sandbox, and every payload they recorded type-checks against
// the declarations (no undeclared key, no missing one, literal values in
// their unions).
//
// The host pages are served on 127.0.0.1:$E2E_PACKAGE_PORT (default 8792),
// an origin the sandbox must allow (scripts/test.sh passes --allow-origin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import * as sandbox from './lib/sandbox.mjs';
import { launch, ROOT, photo, chooseFiles, submit, waitOutcome, kycEvents, recordConsole } from './lib/browser.mjs';
import { windowEvents, checkCallbacks, dumpEvents } from './lib/flow.mjs';
import { checkSubmission, idSubmissions } from './lib/invariants.mjs';
import { startHostServer } from './lib/host.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const esbuild = require('esbuild');
const TSC = require.resolve('typescript/bin/tsc');
const DIST = process.env.E2E_DIST ?? path.join(ROOT, 'dist');
const PORT = Number(process.env.E2E_PACKAGE_PORT ?? 8792);
const HOST = `http://127.0.0.1:${PORT}`;
const TYPES = path.join(ROOT, 'tests', 'types');
const VERSION = /^version\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];

let work; // temporary directory of this run
let tgz; // the tarball package.sh wrote
let hostDir; // the temporary host project
let outDir; // its bundle
let server;
const served = []; // paths the host server was asked for
let browser;
const recorded = []; // {page, type, detail, keys} from both host pages

/** Runs a command; never throws: {code, out}. */
async function sh(cmd, args, opts = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 16 << 20, ...opts });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

const tsc = (args, opts) => sh(process.execPath, [TSC, '--pretty', 'false', ...args], opts);

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kyc-package-'));
  const r = await sh('bash', [path.join(ROOT, 'scripts', 'package.sh'), '--skip-build', '--dist', DIST, '--out', path.join(work, 'npm', 'package')]);
  assert.equal(r.code, 0, `package.sh failed:\n${r.out}`);
  tgz = r.out.trim().split('\n').at(-1);
  assert.equal(tgz, path.join(work, 'npm', `kyc-upload-${VERSION}.tgz`), r.out);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the tarball

test('package.sh: the tarball holds exactly the package files, with a complete package.json', async () => {
  const list = (await run('tar', ['-tzf', tgz])).stdout.trim().split('\n').sort();
  // The release module carries its snippets inside it (scripts/minify.mjs).
  assert.deepEqual(list.filter((f) => f.includes('snippets')), [], 'no snippets beside the module');
  const locales = ['ar', 'de', 'es', 'fr', 'it', 'ja', 'pl', 'pt-BR'].map((l) => `package/locales/${l}.json`);
  assert.deepEqual(list, [
    'package/README.md',
    'package/element.d.ts',
    'package/element.js',
    'package/kyc-upload.css',
    'package/kyc-upload.d.ts',
    'package/kyc-upload.js',
    'package/kyc-upload_bg.wasm',
    'package/package.json',
    ...locales,
  ].sort());

  const read = async (file) => (await run('tar', ['-xzOf', tgz, `package/${file}`], { maxBuffer: 16 << 20 })).stdout;
  const pkg = JSON.parse(await read('package.json'));
  assert.equal(pkg.name, 'kyc-upload');
  assert.equal(pkg.version, VERSION);
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.license, 'MIT');
  assert.equal(pkg.types, './kyc-upload.d.ts');
  assert.deepEqual(pkg.exports['.'], { types: './kyc-upload.d.ts', default: './kyc-upload.js' });
  assert.deepEqual(pkg.exports['./element'], { types: './element.d.ts', default: './element.js' });
  assert.equal(pkg.exports['./style.css'], './kyc-upload.css');
  assert.equal(pkg.exports['./kyc-upload_bg.wasm'], './kyc-upload_bg.wasm');
  assert.equal(pkg.exports['./locales/*'], './locales/*');
  assert.deepEqual(pkg.sideEffects, ['./element.js', './kyc-upload.css']);
  assert.ok(Array.isArray(pkg.files) && pkg.files.length > 0);
  assert.equal(pkg.dependencies, undefined, 'the package must have no dependencies');

  // The module finds its wasm and its locale files the way bundlers
  // understand, imports no file, and has the camera's, the element's and the
  // locale loader's code inside.
  const glue = await read('kyc-upload.js');
  assert.match(glue, /new URL\(["']kyc-upload_bg\.wasm["'],\s*import\.meta\.url\)/);
  assert.match(glue, /new URL\(`\.\/locales\/\$\{\w+\}\.json`,\s*import\.meta\.url\)/);
  assert.deepEqual([...glue.matchAll(/(?:from|import)\s*["']([^"']+)["']/g)].map((m) => m[1]), [], 'the module imports no file');
  assert.match(glue, /customElements\.define\("kyc-upload"/, 'the element code is in the module');
  assert.match(glue, /getUserMedia/, 'the camera code is in the module');
  assert.match(await read('element.js'), /import init from "\.\/kyc-upload\.js"/);
  const readme = await read('README.md');
  assert.match(readme, new RegExp(`npm install \\./kyc-upload-${VERSION.replace(/\./g, '\\.')}\\.tgz`));
  for (const file of list.filter((f) => !f.endsWith('.wasm'))) {
    assert.doesNotMatch(await read(file.slice('package/'.length)), /demo_secret/, `${file} carries the demo client secret`);
  }
});

// ---------------------------------------------------------------- the types

test('types: the typed host example (tests/types/good.ts) compiles with tsc --strict', async () => {
  const r = await tsc(['-p', path.join(TYPES, 'tsconfig.json')]);
  assert.equal(r.code, 0, r.out);
});

const BAD = fs.readdirSync(TYPES).filter((f) => /^bad-.*\.ts$/.test(f)).sort();

test('types: the wrong host examples exist (one mistake per file)', () => {
  for (const name of ['bad-unknown-option.ts', 'bad-customer-type.ts', 'bad-event-field.ts', 'bad-set-status.ts']) {
    assert.ok(BAD.includes(name), `${name} is missing from tests/types`);
  }
});

for (const name of BAD) {
  test(`types: ${name} fails with exactly its marked error`, async () => {
    const file = path.join(TYPES, name);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const marked = lines.map((l, i) => [i + 1, /@expect-error (TS\d+)/.exec(l)?.[1]]).filter(([, c]) => c);
    assert.equal(marked.length, 1, `${name} must mark exactly one line with "@expect-error TSnnnn"`);
    const [line, code] = marked[0];
    const dir = fs.mkdtempSync(path.join(work, 'tsc-'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(TYPES, 'tsconfig.json'), files: [file] }));
    const r = await tsc(['-p', path.join(dir, 'tsconfig.json')]);
    assert.notEqual(r.code, 0, `${name} compiled, but must not:\n${r.out}`);
    const errors = r.out.split('\n').filter((l) => /error TS\d+/.test(l));
    assert.equal(errors.length, 1, `exactly one error expected:\n${r.out}`);
    const m = /\((\d+),\d+\): error (TS\d+)/.exec(errors[0]);
    assert.ok(m, errors[0]);
    assert.equal(`${m[2]} at line ${m[1]}`, `${code} at line ${line}`, errors[0]);
  });
}

// ---------------------------------------------------------------- install, type-check, bundle


function page(script) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host ${script}</title>`
    + `<link rel="stylesheet" href="${script}.css"></head><body><h1>Host page</h1><div id="kyc"></div>`
    + `<script type="module" src="${script}.js"></script></body></html>`;
}

/** Static files of the bundle, the two pages, and the host's token endpoint (proxying the sandbox's demo host). */
async function startServer(dir) {
  const pages = { '/': page('mount'), '/mount.html': page('mount'), '/element.html': page('element'), '/react.html': page('react') };
  server = await startHostServer({ dir, port: PORT, tokenPath: '/token', pages, served });
}

test('host project: npm install of the tarball offline, tsc --strict against it, esbuild bundle', async () => {
  hostDir = path.join(work, 'host');
  fs.mkdirSync(path.join(hostDir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify({ name: 'host', version: '1.0.0', private: true, type: 'module' }));
  const npm = await sh('npm', ['install', tgz, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: hostDir });
  assert.equal(npm.code, 0, npm.out);
  const installed = JSON.parse(fs.readFileSync(path.join(hostDir, 'node_modules', 'kyc-upload', 'package.json'), 'utf8'));
  assert.equal(installed.version, VERSION);

  for (const f of fs.readdirSync(path.join(TYPES, 'host'))) fs.copyFileSync(path.join(TYPES, 'host', f), path.join(hostDir, 'src', f));
  // Resolution through the package's own `exports` / `types` (no paths mapping).
  fs.writeFileSync(path.join(hostDir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: [], skipLibCheck: false,
    },
    include: ['src'],
  }));
  const typed = await tsc(['-p', path.join(hostDir, 'tsconfig.json')]);
  assert.equal(typed.code, 0, typed.out);

  outDir = path.join(hostDir, 'out');
  const result = await esbuild.build({
    absWorkingDir: hostDir,
    entryPoints: ['src/mount.ts', 'src/element.ts', 'src/react.jsx'],
    outdir: 'out',
    bundle: true,
    format: 'esm',
    target: 'es2022',
    loader: { '.wasm': 'file' },
    // The React page: React's development build (where StrictMode runs each
    // effect twice), resolved from the test tools' node_modules.
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    nodePaths: [path.join(ROOT, 'tests', 'e2e', 'node_modules')],
    logLevel: 'silent',
  });
  assert.deepEqual(result.errors, []);
  // element.js loads the wasm through import.meta.url: next to the bundle.
  fs.copyFileSync(path.join(hostDir, 'node_modules', 'kyc-upload', 'kyc-upload_bg.wasm'), path.join(outDir, 'kyc-upload_bg.wasm'));
  // The bundle lost the package's locales/ folder: the mount page's localesUrl points at this copy.
  fs.cpSync(path.join(hostDir, 'node_modules', 'kyc-upload', 'locales'), path.join(outDir, 'kyc-locales'), { recursive: true });
  const out = fs.readdirSync(outDir).sort();
  assert.ok(out.includes('mount.js') && out.includes('element.js') && out.includes('react.js'), out.join(', '));
  assert.ok(out.some((f) => /^kyc-upload_bg-[A-Z0-9]+\.wasm$/.test(f)), `the file loader emitted the wasm: ${out.join(', ')}`);
  const css = fs.readFileSync(path.join(outDir, 'mount.css'), 'utf8');
  assert.match(css, /\.kyc-upload\s*\{/, 'the package stylesheet is in the bundle');
  await startServer(outDir);
});

test('server render: Node imports kyc-upload/element and kyc-upload from the installed package, as SSR frameworks do: nothing is fetched, ready resolves, nothing is registered', async () => {
  assert.ok(hostDir, 'the host project is installed (previous test)');
  // Node has fetch but no customElements or document, like a server render.
  const script = `
    const fetched = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => { fetched.push(String(input)); return realFetch(input, init); };
    const element = await import('kyc-upload/element');
    const settled = await element.ready;
    const lib = await import('kyc-upload');
    console.log(JSON.stringify({ fetched, settled: settled ?? null, init: typeof lib.default, mount: typeof lib.mount, checkImage: typeof lib.checkImage }));`;
  const r = await sh(process.execPath, ['--input-type=module', '-e', script], { cwd: hostDir });
  assert.equal(r.code, 0, `importing the package in Node failed:\n${r.out}`);
  assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)), { fetched: [], settled: null, init: 'function', mount: 'function', checkImage: 'function' }, r.out);
});

// ---------------------------------------------------------------- passport flows in the bundled host pages

/** A passport flow in the host page `name`, served at `pagePath`. */
async function passportFlow(name, pagePath = `/${name}.html`) {
  assert.ok(server, 'the host page server runs (previous test)');
  await sandbox.waitUp();
  await sandbox.clearFaults();
  browser ??= await launch();
  const context = await browser.newContext();
  const pageHandle = await context.newPage();
  const consoleLines = recordConsole(pageHandle);
  try {
    const customerId = await sandbox.freshCustomer(`cus_pkg_${name}`);
    const since = await sandbox.waitQuiet(200, 3000);
    served.length = 0;
    const q = new URLSearchParams({ api: `${sandbox.API}/v1`, customer: customerId });
    await pageHandle.goto(`${HOST}${pagePath}?${q}`, { waitUntil: 'load' });
    await pageHandle.waitForFunction(() => window.kycReady === true, null, { timeout: 30000, polling: 100 });
    await pageHandle.waitForSelector('[data-testid=doc-type]:not([disabled])', { timeout: 30000 });
    const files = { id_file: photo('sharp.jpg'), proof_of_address_file: photo('utility_bill.pdf'), liveness_check_file: photo('exif_rotated.jpg') };
    await chooseFiles(pageHandle, 'passport', files);
    await submit(pageHandle);
    const res = await waitOutcome(pageHandle, { timeout: 60000 });
    await sandbox.waitQuiet(400, 5000);
    const evs = windowEvents(await sandbox.events({ since }), customerId);
    const kyc = await kycEvents(pageHandle);
    const explain = `outcome=${res.outcome} code=${res.code} message=${JSON.stringify(res.message)}\nevents:\n${dumpEvents(evs)}\n`
      + `kycEvents: ${JSON.stringify(kyc)}\nconsole:\n  ${consoleLines.slice(-20).join('\n  ')}`;
    assert.equal(res.outcome, 'completed', explain);
    const violations = [...checkSubmission(evs, { customerId, chosen: Object.keys(files), outcome: 'completed' }), ...checkCallbacks(kyc, [0])];
    assert.deepEqual(violations, [], explain);
    const mine = await sandbox.events({ customerId });
    assert.equal(idSubmissions(mine, customerId).length, 1, dumpEvents(mine));
    const lastFiles = mine.filter((e) => e.kind === 'files' && e.status === 200).at(-1);
    assert.ok(lastFiles?.fields?.id_file, `the last files request must carry id_file\n${dumpEvents(mine)}`);
    const submitted = kyc.filter((e) => e.type === 'submitted');
    assert.equal(submitted.length, 1, explain);
    assert.equal(submitted[0].detail.customerId, customerId);
    assert.equal(submitted[0].detail.files.id_file, lastFiles.fields.id_file);
    await pageHandle.waitForSelector('[data-testid=status]', { state: 'visible', timeout: 10000 });
    return { page: pageHandle, context, customerId, kyc };
  } catch (e) {
    await context.close();
    throw e;
  }
}

/** The page's log with the payloads' own keys (Object.keys in the page). */
const allEvents = (p) => p.evaluate(() => window.kycEvents);
const keep = (pageName, kyc) => {
  for (const e of kyc) recorded.push({ page: pageName, ...e });
};

test('mount host page (bundled, wasm via the file loader): passport flow completes, id_file last; handle and checkImage work', async () => {
  const { page: p, context, kyc } = await passportFlow('mount');
  try {
    assert.ok(served.some((s) => /^\/kyc-upload_bg-[A-Z0-9]+\.wasm$/.test(s)), `the bundler's wasm was loaded: ${served.join(' ')}`);
    assert.ok(kyc.some((e) => e.type === 'progress') && kyc.some((e) => e.type === 'status'), JSON.stringify(kyc));
    // The handle: statuses forwarded from webhooks (each reported by onStatusChange), an unknown one refused.
    for (const [status, reason] of [['rejected', 'The document has expired.'], ['verified', undefined]]) {
      await p.evaluate(([s, r]) => window.kycHandle.setStatus(s, r), [status, reason]);
      await p.waitForFunction((s) => window.kycEvents.some((e) => e.type === 'status' && e.detail.status === s), status, { timeout: 10000, polling: 100 });
    }
    const rejected = (await allEvents(p)).find((e) => e.type === 'status' && e.detail.status === 'rejected');
    assert.equal(rejected.detail.rejectionReason, 'The document has expired.');
    const thrown = await p.evaluate(() => {
      try { window.kycHandle.setStatus('approved'); return null; } catch (e) { return { code: e.code, message: e.message }; }
    });
    assert.equal(thrown?.code, 'invalid_status');
    assert.equal(await p.evaluate(() => window.kycHandle.busy), false);
    // Another language from localesUrl, switched in place on the running widget.
    await p.evaluate(() => window.kycHandle.update({ ...window.kycOptions, locale: 'es' }));
    await p.waitForSelector('.kyc-upload[lang=es]', { timeout: 10000 });
    assert.ok(served.includes('/kyc-locales/es.json'), served.join(' '));
    const spanish = JSON.parse(fs.readFileSync(path.join(outDir, 'kyc-locales', 'es.json'), 'utf8'));
    assert.equal((await p.textContent('[data-testid=status] h3')).trim(), spanish['status.verified.title']);
    // mount refuses a wrong option with the option's name.
    const refused = await p.evaluate(() => {
      try {
        window.kycMount(document.createElement('div'), { apiBase: 'http://127.0.0.1:1/v1', customerId: 'c', getToken: () => 't', customerType: 'company' });
        return null;
      } catch (e) { return { code: e.code, option: e.option }; }
    });
    assert.deepEqual(refused, { code: 'invalid_option', option: 'customerType' });
    // ... and a selector that matched nothing (null), as checkImage refuses what is no Blob: through
    // the bundle's own glue, which passes any value on.
    const wrongArguments = await p.evaluate(async () => {
      const options = { apiBase: 'http://127.0.0.1:1/v1', customerId: 'c', getToken: () => 't' };
      const codes = [];
      try { window.kycMount(document.querySelector('#no-such-element'), options); } catch (e) { codes.push(`${e.code}:${e.option}`); }
      await window.kycCheckImage('photo.jpg').catch((e) => codes.push(`${e.code}:${e.option}`));
      return codes;
    });
    assert.deepEqual(wrongArguments, ['invalid_option:element', 'invalid_option:blob']);
    // checkImage on a sharp and a blurred photo.
    const reports = {};
    for (const name of ['sharp.jpg', 'blur_sigma20.jpg']) {
      const b64 = fs.readFileSync(photo(name)).toString('base64');
      reports[name] = await p.evaluate(async (data) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        return window.kycCheckImage(new Blob([bytes], { type: 'image/jpeg' }));
      }, b64);
    }
    assert.equal(reports['sharp.jpg'].verdict, 'accept', JSON.stringify(reports));
    assert.equal(reports['blur_sigma20.jpg'].verdict, 'reject', JSON.stringify(reports));
    keep('mount', await allEvents(p));
    for (const [name, r] of Object.entries(reports)) recorded.push({ page: 'mount', type: 'quality', detail: r, name });
    await p.evaluate(() => { window.kycHandle.destroy(); window.kycHandle.free(); });
  } finally {
    await context.close();
  }
});

test('<kyc-upload> host page (kyc-upload/element, wasm via import.meta.url): passport flow completes, id_file last, kyc-* events', async () => {
  const { page: p, context, kyc } = await passportFlow('element');
  try {
    assert.ok(served.includes('/kyc-upload_bg.wasm'), `the wasm next to the bundle was loaded: ${served.join(' ')}`);
    assert.ok(kyc.some((e) => e.type === 'progress') && kyc.some((e) => e.type === 'status'), JSON.stringify(kyc));
    // An invalid attribute is reported as kyc-error with the option's name.
    await p.evaluate(() => document.querySelector('kyc-upload').setAttribute('quality-gate', 'sometimes'));
    await p.waitForFunction(() => window.kycEvents.some((e) => e.type === 'error'), null, { timeout: 10000, polling: 100 });
    const all = await allEvents(p);
    const errors = all.filter((e) => e.type === 'error');
    assert.equal(errors.at(-1).detail.code, 'invalid_option');
    assert.equal(errors.at(-1).detail.option, 'qualityGate');
    keep('element', all);
  } finally {
    await context.close();
  }
  // A business customer: refused by the element with kyc-error, and no request at all.
  const ctx = await browser.newContext();
  try {
    const bp = await ctx.newPage();
    const customerId = await sandbox.freshCustomer('cus_pkg_biz', { type: 'business' });
    const since = await sandbox.waitQuiet(200, 3000);
    const q = new URLSearchParams({ api: `${sandbox.API}/v1`, customer: customerId, customer_type: 'business' });
    await bp.goto(`${HOST}/element.html?${q}`, { waitUntil: 'load' });
    await bp.waitForFunction(() => window.kycEvents.some((e) => e.type === 'error'), null, { timeout: 30000, polling: 100 });
    const logged = await allEvents(bp);
    const errs = logged.filter((e) => e.type === 'error');
    assert.equal(errs[0].detail.code, 'business_customer');
    keep('element', logged);
    await sandbox.waitQuiet(300, 3000);
    const evs = windowEvents(await sandbox.events({ since }), customerId).filter((e) => e.kind !== 'fault' && e.kind !== 'token');
    assert.deepEqual(evs, [], 'a business customer causes no platform request');
  } finally {
    await ctx.close();
  }
});

// ---------------------------------------------------------------- the README's example, bundled by Vite and webpack

/** The README's example (the host project's src/readme.ts, type-checked there with the others) in `<hostDir>/<name>-app/`. */
function readmeApp(name) {
  const appDir = path.join(hostDir, `${name}-app`);
  fs.mkdirSync(appDir, { recursive: true });
  fs.copyFileSync(path.join(hostDir, 'src', 'readme.ts'), path.join(appDir, 'readme.ts'));
  return appDir;
}

const LOCALES = ['ar', 'de', 'es', 'fr', 'it', 'ja', 'pl', 'pt-BR'];

/**
 * The bundle in `<outDir>/<name>/` (served under /<name>/) emitted the wasm
 * and every locale file as `<file>-<hash>.<ext>` in `<assets>/`; its page
 * completes a German passport flow with its own wasm and de.json.
 */
async function bundledReadmeFlow(name, assets) {
  const emitted = fs.readdirSync(path.join(outDir, name, assets));
  assert.ok(emitted.some((f) => /^kyc-upload_bg-[\w-]+\.wasm$/.test(f)), `${name} emitted the wasm: ${emitted.join(', ')}`);
  for (const tag of LOCALES) {
    assert.ok(emitted.some((f) => f.startsWith(`${tag}-`) && /^[\w-]+-[\w]+\.json$/.test(f)), `${name} emitted locales/${tag}.json: ${emitted.join(', ')}`);
  }
  const prefix = assets ? `/${name}/${assets}/` : `/${name}/`;
  const { page: p, context } = await passportFlow(name, `/${name}/index.html`);
  try {
    assert.ok(served.some((s) => s.startsWith(`${prefix}kyc-upload_bg-`) && s.endsWith('.wasm')), `the bundle's wasm was loaded: ${served.join(' ')}`);
    assert.ok(served.some((s) => s.startsWith(`${prefix}de-`) && s.endsWith('.json')), `the bundle's German texts were loaded: ${served.join(' ')}`);
    await p.waitForSelector('.kyc-upload[lang=de]', { timeout: 10000 });
    const german = JSON.parse(fs.readFileSync(path.join(hostDir, 'node_modules', 'kyc-upload', 'locales', 'de.json'), 'utf8'));
    assert.equal((await p.textContent('[data-testid=status] h3')).trim(), german['status.pending.title']);
    // The stylesheet the example imports applies: its live region is visually hidden.
    const live = await p.evaluate(() => getComputedStyle(document.querySelector('[data-testid=live]')).position);
    assert.equal(live, 'absolute', 'the imported stylesheet applies');
    keep(name, await allEvents(p));
  } finally {
    await context.close();
  }
}

test("React 19 host page in StrictMode (mount in an effect, destroy in its cleanup: run, cleaned up and run again at once): one widget is left and completes a passport flow", async () => {
  const { page: p, context, kyc } = await passportFlow('react');
  try {
    const counts = await p.evaluate(() => ({
      mounts: window.kycMounts, destroys: window.kycDestroys,
      widgets: document.querySelectorAll('.kyc-upload').length,
    }));
    // StrictMode really ran the effect twice (else this page proves nothing), and one widget is left.
    assert.deepEqual(counts, { mounts: 2, destroys: 1, widgets: 1 });
    assert.equal(kyc.filter((e) => e.type === 'submitted').length, 1);
    keep('react', await allEvents(p));
  } finally {
    await context.close();
  }
});

test('Vite host page (the README example as written: `await init()`, no wasm or locale setup): the wasm and the locale files become assets of the bundle; a German passport flow completes, id_file last', async () => {
  assert.ok(hostDir && outDir, 'the host project exists (the install test above)');
  const appDir = readmeApp('vite');
  fs.writeFileSync(path.join(appDir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host vite</title></head>'
    + '<body><h1>Host page</h1><div id="kyc"></div><script type="module" src="./readme.ts"></script></body></html>');
  const { build } = await import('vite');
  await build({ root: appDir, base: '/vite/', configFile: false, logLevel: 'silent', build: { outDir: path.join(outDir, 'vite'), emptyOutDir: true, target: 'es2022' } });
  await bundledReadmeFlow('vite', 'assets');
});

test('webpack 5 host page (the README example; CSS through experiments.css): the wasm and the locale files become assets of the bundle; a German passport flow completes, id_file last', async () => {
  assert.ok(hostDir && outDir, 'the host project exists (the install test above)');
  const appDir = readmeApp('webpack');
  // webpack reads JavaScript: the example with its types stripped.
  const source = fs.readFileSync(path.join(appDir, 'readme.ts'), 'utf8');
  fs.writeFileSync(path.join(appDir, 'readme.js'), (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code);
  const webpackOut = path.join(outDir, 'webpack');
  const webpack = require('webpack');
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: './readme.js',
    output: { path: webpackOut, publicPath: 'auto', assetModuleFilename: '[name]-[contenthash][ext]', clean: true },
    experiments: { topLevelAwait: true, css: true },
    performance: { hints: false },
  });
  const stats = await new Promise((resolve, reject) => compiler.run((err, s) => (err ? reject(err) : resolve(s))));
  await new Promise((resolve) => compiler.close(resolve));
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  fs.writeFileSync(path.join(webpackOut, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host webpack</title>'
    + '<link rel="stylesheet" href="main.css"></head><body><h1>Host page</h1><div id="kyc"></div><script src="main.js"></script></body></html>');
  await bundledReadmeFlow('webpack', '');
});

// ---------------------------------------------------------------- recorded payloads vs the declarations

const MOUNT_DETAIL = { progress: 'KycProgressDetail', submitted: 'KycSubmittedDetail', error: 'KycErrorDetail', status: 'KycStatusDetail', quality: 'QualityReport' };
const DETAIL_TYPE = {
  mount: MOUNT_DETAIL,
  vite: MOUNT_DETAIL,
  webpack: MOUNT_DETAIL,
  react: MOUNT_DETAIL,
  element: {
    progress: 'KycUploadElementEventMap["kyc-progress"]["detail"]',
    submitted: 'KycUploadElementEventMap["kyc-submitted"]["detail"]',
    error: 'KycUploadElementEventMap["kyc-error"]["detail"]',
    status: 'KycUploadElementEventMap["kyc-status"]["detail"]',
  },
};

/** A TS literal of a recorded value, keeping keys whose value is undefined. */
function literal(value, keys) {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  const own = keys ?? Object.keys(value);
  return `{ ${own.map((k) => `${JSON.stringify(k)}: ${literal(value[k])}`).join(', ')} }`;
}

test('recorded payloads of the host pages type-check against the declarations (every key declared, literals in their unions)', async () => {
  const kinds = new Set(recorded.map((e) => `${e.page}:${e.type}`));
  for (const want of ['mount:progress', 'mount:submitted', 'mount:status', 'mount:quality', 'vite:progress', 'vite:submitted', 'vite:status', 'webpack:progress', 'webpack:submitted', 'webpack:status', 'element:progress', 'element:submitted', 'element:status', 'element:error']) {
    assert.ok(kinds.has(want), `no ${want} payload was recorded (the flow tests above must pass first); have: ${[...kinds].join(', ')}`);
  }
  const statuses = new Set(recorded.filter((e) => e.type === 'status').map((e) => e.detail.status));
  for (const s of ['pending', 'verified', 'rejected']) assert.ok(statuses.has(s), `no "${s}" status payload recorded`);
  // One line per payload; `satisfies` rejects undeclared keys, missing keys and values outside their types.
  const lines = recorded.map((e, i) => {
    const type = DETAIL_TYPE[e.page][e.type];
    assert.ok(type, `unexpected payload kind ${e.page}:${e.type}`);
    // The keys as the browser listed them (Object.keys), so undefined-valued keys count too.
    return `export const p${i} = ${literal(e.detail, e.keys)} satisfies ${type};`;
  });
  const src = `import type { KycProgressDetail, KycSubmittedDetail, KycErrorDetail, KycStatusDetail, QualityReport, KycUploadElementEventMap } from "kyc-upload";\n${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(hostDir, 'src', 'payloads.ts'), src);
  const r = await tsc(['-p', path.join(hostDir, 'tsconfig.json')]);
  assert.equal(r.code, 0, `${r.out}\n--- payloads.ts ---\n${src}`);

  // The check can fail: an undeclared key in a real payload is a compile error.
  const progress = recorded.find((e) => e.type === 'progress');
  fs.writeFileSync(path.join(hostDir, 'src', 'payloads.ts'),
    `import type { KycProgressDetail } from "kyc-upload";\nexport const p = ${literal({ ...progress.detail, extra: 1 })} satisfies KycProgressDetail;\n`);
  const bad = await tsc(['-p', path.join(hostDir, 'tsconfig.json')]);
  assert.notEqual(bad.code, 0, 'an undeclared key must fail to type-check');
  assert.match(bad.out, /TS2353/);
});
