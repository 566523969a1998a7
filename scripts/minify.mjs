// Trunk post-build hook (see Trunk.toml): in release builds, minify the
// widget's JS glue, its snippets and its stylesheet in Trunk's staging
// directory with esbuild (a tests/e2e devDependency, installed by
// scripts/setup.sh). Names exported to host pages are kept; only
// whitespace, comments and local names go. Then the wasm's imports from the
// glue get short names in both files, and its producers and target_features
// sections go (scripts/wasm-imports.mjs); a mismatch fails the build. Before
// that, the wasm's functions are put in an order that gzip compresses
// better (scripts/wasm-order.mjs). Then the snippets are bundled into the
// module. Last, terser (also a devDependency) goes over the JS once more.
// Debug builds are left readable.
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

// Then the snippets the module imports (the live camera, the <kyc-upload>
// element, the locale loader) go into the module itself (esbuild,
// bundling): one file instead of four, so no round trip to discover them
// after the module arrives, and one gzip stream (-0.7 kB gzip). The locale
// loader finds the locale files from where it is (import.meta.url), by the
// `new URL` pattern with which Vite and webpack copy them into a host's
// bundle: beside the module once it is inside it, three folders up as a
// snippet of its own (debug builds keep every snippet apart).
const SNIPPET_LOCALES = '`../../../locales/';
const MODULE_LOCALES = '`./locales/';
try {
  const snippets = widgetFiles().filter((f) => f.startsWith(path.join(staging, 'snippets')));
  const bundled = await esbuild.build({
    entryPoints: [jsFile],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    write: false,
    metafile: true,
    plugins: [{
      name: 'locale-files-beside-the-module',
      setup(build) {
        build.onLoad({ filter: /[\\/]www[\\/]locales\.js$/ }, ({ path: file }) => {
          const source = fs.readFileSync(file, 'utf8');
          const uses = source.split(SNIPPET_LOCALES).length - 1;
          if (uses !== 1) throw new Error(`${file} names ${SNIPPET_LOCALES} ${uses} times, not once`);
          return { contents: source.replace(SNIPPET_LOCALES, MODULE_LOCALES), loader: 'js' };
        });
      },
    }],
  });
  const inlined = Object.keys(bundled.metafile.inputs).map((f) => path.resolve(f)).filter((f) => f !== path.resolve(jsFile)).sort();
  if (snippets.length === 0 || inlined.join() !== snippets.map((f) => path.resolve(f)).sort().join()) {
    throw new Error(`the module bundled ${inlined.join(', ') || 'nothing'}, not the snippets ${snippets.join(', ')}`);
  }
  const code = Buffer.from(bundled.outputFiles[0].contents).toString();
  if (!code.includes('new URL("kyc-upload_bg.wasm",import.meta.url)')) throw new Error('the bundled module lost its new URL("kyc-upload_bg.wasm", import.meta.url)');
  if (!code.includes(`new URL(${MODULE_LOCALES}`)) throw new Error(`the bundled module has no new URL(${MODULE_LOCALES}...)`);
  if (/\bimport\s*[{"'*\w]/.test(code.replace(/import\.meta|import\(/g, ''))) throw new Error('the bundled module still imports a file');
  fs.writeFileSync(jsFile, code);
  fs.rmSync(path.join(staging, 'snippets'), { recursive: true });
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
