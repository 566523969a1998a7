// Trunk post-build hook (see Trunk.toml): in release builds, minify the
// widget's JS glue, its snippets and its stylesheet in Trunk's staging
// directory with esbuild (a tests/e2e devDependency, installed by
// scripts/setup.sh). Names exported to host pages are kept; only
// whitespace, comments and local names go. Then the wasm's imports from the
// glue get short names in both files, and its producers and target_features
// sections go (scripts/wasm-imports.mjs); a mismatch fails the build. Before
// that, the wasm's functions are put in an order that gzip compresses
// better (scripts/wasm-order.mjs). Then the camera and element snippets are
// bundled into the module (the locale loader stays a file). Last, terser
// (also a devDependency) goes over the JS once more. Debug builds are left
// readable.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { minifyImports } from './wasm-imports.mjs';
import { orderFunctions } from './wasm-order.mjs';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this from a Trunk hook');

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'e2e', 'package.json'));
const esbuild = require('esbuild');

/** gzip -9 size, as the bundle test measures. */
const gzipSize = (buffer) => zlib.gzipSync(buffer, { level: 9 }).length;

/** Widget files: the module, its snippets and its stylesheet (not the demo page's own assets). */
function widgetFiles() {
  const files = [path.join(staging, 'kyc-upload.js'), path.join(staging, 'www', 'kyc-upload.css')];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.js')) files.push(p);
    }
  };
  walk(path.join(staging, 'snippets'));
  return files.filter((f) => fs.existsSync(f));
}

let before = 0;
let after = 0;
for (const file of widgetFiles()) {
  const source = fs.readFileSync(file, 'utf8');
  const loader = file.endsWith('.css') ? 'css' : 'js';
  const { code } = esbuild.transformSync(source, { loader, minify: true, format: loader === 'js' ? 'esm' : undefined, target: 'es2020' });
  fs.writeFileSync(file, code);
  before += source.length;
  after += code.length;
}
console.log(`minify: widget JS and CSS ${before} B -> ${after} B`);

// The glue of kyc-upload_bg.wasm is kyc-upload.js; the wasm imports it as ./kyc-upload_bg.js.
const wasmFile = path.join(staging, 'kyc-upload_bg.wasm');
const jsFile = path.join(staging, 'kyc-upload.js');
let wasm;
let js;
let out;
try {
  const optimised = fs.readFileSync(wasmFile);
  wasm = orderFunctions(optimised);
  console.log(`minify: functions ordered by likeness; wasm gzip ${gzipSize(optimised)} B -> ${gzipSize(wasm)} B`);
  js = fs.readFileSync(jsFile, 'utf8');
  out = minifyImports({ wasm, js, module: './kyc-upload_bg.js' });
} catch (e) {
  console.error(`minify: cannot order the wasm's functions or shorten its import names, nothing written: ${e.message}`);
  process.exit(1);
}
fs.writeFileSync(wasmFile, out.wasm);
fs.writeFileSync(jsFile, out.js);
console.log(`minify: ${out.count} import and ${out.exports} export names shortened; wasm ${wasm.length} B -> ${out.wasm.length} B, JS module ${js.length} B -> ${out.js.length} B`);

// Then the snippets the module imports go into the module itself (esbuild,
// bundling): the live camera and the <kyc-upload> element code are one
// request and one gzip stream with the glue instead of three (-0.5 kB
// gzip). The locale loader stays a file of its own: it finds the locale
// files from its own place (import.meta.url), the pattern by which Vite and
// webpack copy them into a host's bundle. Debug builds keep every snippet
// apart.
const LOCALE_LOADER = /[\\/]snippets[\\/][^\\/]+[\\/]www[\\/]locales\.js$/;
try {
  const bundled = esbuild.buildSync({
    entryPoints: [jsFile],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    write: false,
    metafile: true,
    external: ['*/locales.js'],
  });
  const inlined = Object.keys(bundled.metafile.inputs).map((f) => path.resolve(f)).filter((f) => f !== path.resolve(jsFile));
  const snippets = widgetFiles().filter((f) => f.startsWith(path.join(staging, 'snippets')));
  const expected = snippets.filter((f) => !LOCALE_LOADER.test(f));
  if (expected.length === 0 || inlined.sort().join() !== expected.map((f) => path.resolve(f)).sort().join()) {
    throw new Error(`the module bundled ${inlined.join(', ') || 'nothing'}, not the snippets ${expected.join(', ')}`);
  }
  const code = Buffer.from(bundled.outputFiles[0].contents);
  if (!code.includes('new URL("kyc-upload_bg.wasm",import.meta.url)')) throw new Error('the bundled module lost its new URL("kyc-upload_bg.wasm", import.meta.url)');
  fs.writeFileSync(jsFile, code);
  for (const f of inlined) fs.rmSync(f);
  console.log(`minify: ${inlined.length} snippets bundled into the module (${inlined.map((f) => path.basename(f)).join(', ')})`);
} catch (e) {
  console.error(`minify: cannot bundle the snippets into the module: ${e.message}`);
  process.exit(1);
}

// Last, terser over the JS files, for what esbuild does not do: function
// expressions that use neither `this` nor `arguments` become arrows (the
// glue's import object is 200-odd of them; none is called with `new` or
// has its prototype read), and a second compress pass. Measured: -150 B
// gzip of 8.1 kB.
const { minify } = require('terser');
let terserBefore = 0;
let terserAfter = 0;
for (const file of widgetFiles().filter((f) => f.endsWith('.js'))) {
  const source = fs.readFileSync(file, 'utf8');
  const { code } = await minify(source, { module: true, compress: { ecma: 2020, unsafe_arrows: true, passes: 2 }, mangle: true });
  fs.writeFileSync(file, code);
  terserBefore += source.length;
  terserAfter += code.length;
}
console.log(`minify: terser ${terserBefore} B -> ${terserAfter} B`);
