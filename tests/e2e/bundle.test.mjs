// Checks on the release bundle that `trunk build --release` wrote to dist/:
// no client secret in it, and its sizes (raw and gzip -9) printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './lib/browser.mjs';

const DIST = process.env.E2E_DIST ?? path.join(ROOT, 'dist');
// The sandbox's demo client secret: it lives in the host backend only (api-contract §1).
const SECRETS = ['demo_secret'];

function walk(dir) {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) out.push(...walk(p)); else out.push(p);
  }
  return out;
}

test('dist/ exists and holds the widget (wasm + js)', () => {
  assert.ok(fs.existsSync(DIST), `${DIST} missing: run trunk build --release`);
  const files = walk(DIST);
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'no .wasm in dist/');
  assert.ok(files.some((f) => f.endsWith('.js')), 'no .js in dist/');
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'no index.html in dist/');
});

test('the bundle contains no client secret', () => {
  const hits = [];
  for (const f of walk(DIST)) {
    const buf = fs.readFileSync(f);
    for (const s of SECRETS) if (buf.includes(s)) hits.push(`${path.relative(DIST, f)} contains ${s}`);
  }
  assert.deepEqual(hits, []);
});

test('bundle sizes (wasm + js + css, raw and gzip -9)', () => {
  const rows = [];
  let raw = 0;
  let gz = 0;
  for (const f of walk(DIST)) {
    if (!/\.(wasm|js|css)$/.test(f)) continue;
    if (path.relative(DIST, f).startsWith(`www${path.sep}baseline`)) continue; // the benchmark page is not the widget
    const buf = fs.readFileSync(f);
    const g = zlib.gzipSync(buf, { level: 9 }).length;
    raw += buf.length;
    gz += g;
    rows.push(`  ${path.relative(DIST, f).padEnd(48)} ${String(buf.length).padStart(9)} B  gzip -9 ${String(g).padStart(8)} B`);
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = ['bundle sizes (dist/):', ...rows, `  total wasm+js+css: ${kb(raw)} raw, ${kb(gz)} gzip -9`];
  console.log(lines.join('\n'));
  try {
    fs.mkdirSync(path.join(ROOT, 'target', 'test-logs'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'target', 'test-logs', 'bundle-sizes.txt'), `${lines.join('\n')}\n`);
  } catch { /* printed above */ }
  assert.ok(raw > 0, 'no wasm/js/css found');
});
