#!/usr/bin/env bash
# What the release widget costs every customer, and where the bytes are:
#
#   ./scripts/size-report.sh                # trunk build --release first
#   ./scripts/size-report.sh --skip-build   # report on dist/ as it is
#
# Prints each widget file (the wasm, its JS module and snippets, the widget
# stylesheet: the files tests/e2e/bundle.test.mjs budgets) raw, gzip -9 and
# brotli (node's zlib, as the bundle test measures), wasm and JS apart and
# the total; then the wasm's 20 biggest items and its weight per crate,
# measured on the same build with names kept (dist/'s wasm has none).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if [ "${1:-}" != "--skip-build" ]; then
  trunk build --release --offline >/dev/null 2>&1 || { echo "trunk build --release failed (run it to see why)" >&2; exit 1; }
fi
[ -f dist/kyc-upload_bg.wasm ] || { echo "dist/ has no release build: run without --skip-build" >&2; exit 1; }

node - dist <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const dist = process.argv[2];
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const widget = (rel) => rel === 'kyc-upload.js' || rel === 'kyc-upload_bg.wasm' || rel.startsWith(`snippets${path.sep}`) || rel === path.join('www', 'kyc-upload.css');
const rows = [];
const sum = { wasm: [0, 0, 0], js: [0, 0, 0], css: [0, 0, 0] };
for (const f of walk(dist)) {
  const rel = path.relative(dist, f);
  if (!widget(rel)) continue;
  const buf = fs.readFileSync(f);
  const sizes = [buf.length, zlib.gzipSync(buf, { level: 9 }).length,
    zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
  const kind = rel.endsWith('.wasm') ? 'wasm' : rel.endsWith('.css') ? 'css' : 'js';
  sizes.forEach((n, i) => { sum[kind][i] += n; });
  rows.push([rel, ...sizes]);
}
const cell = (n) => String(n).padStart(9);
console.log(`${'widget file'.padEnd(56)} ${'raw'.padStart(9)} ${'gzip -9'.padStart(9)} ${'brotli'.padStart(9)}`);
for (const [rel, ...s] of rows) console.log(`${rel.padEnd(56)} ${s.map(cell).join(' ')}`);
const total = [0, 1, 2].map((i) => sum.wasm[i] + sum.js[i] + sum.css[i]);
console.log(`${'wasm'.padEnd(56)} ${sum.wasm.map(cell).join(' ')}`);
console.log(`${'JS (module + snippets)'.padEnd(56)} ${sum.js.map(cell).join(' ')}`);
console.log(`${'CSS'.padEnd(56)} ${sum.css.map(cell).join(' ')}`);
console.log(`${'TOTAL'.padEnd(56)} ${total.map(cell).join(' ')}`);
EOF

# The same wasm with its names: trunk's cargo build, wasm-bindgen, then
# wasm-opt with index.html's flags and --debuginfo (which keeps the names).
NAMED="$(mktemp -d)"
trap 'rm -rf "$NAMED"' EXIT
cargo build --release --target wasm32-unknown-unknown --lib -p kyc-upload --quiet
wasm-bindgen --target web --out-dir "$NAMED" target/wasm32-unknown-unknown/release/kyc_upload.wasm
level="$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html)"
params="$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
# shellcheck disable=SC2086
wasm-opt "-O${level:-z}" $params --debuginfo "$NAMED/kyc_upload_bg.wasm" -o "$NAMED/named.wasm"
twiggy top -n 100000 --format json "$NAMED/named.wasm" > "$NAMED/top.json"

node - "$NAMED/top.json" <<'EOF'
const fs = require('node:fs');
const items = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
  .map((i) => ({ name: i.name, bytes: i.shallow_size }))
  .filter((i) => !/function names|data names|producers/.test(i.name)); // not shipped
const shipped = items.reduce((n, i) => n + i.bytes, 0);
const short = (s) => (s.length > 110 ? `${s.slice(0, 107)}...` : s);
console.log(`\nwasm: the 20 biggest items (of ${shipped} B shipped; twiggy top on the same build with names kept)`);
for (const i of [...items].sort((a, b) => b.bytes - a.bytes).slice(0, 20)) console.log(`${String(i.bytes).padStart(8)} B  ${short(i.name)}`);
// Per crate: the first path segment of the item's name (generics count
// where they are instantiated only when their name says so).
const crate = (name) => {
  if (name.startsWith('data segment')) return '(data: strings, tables)';
  if (/shim|^import |^export |^elem|^type|^table/.test(name)) return '(wasm-bindgen glue: imports, shims, tables)';
  const m = name.replace(/^</, '').match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  return m ? m[1] : '(other)';
};
const by = new Map();
for (const i of items) by.set(crate(i.name), (by.get(crate(i.name)) ?? 0) + i.bytes);
console.log('\nwasm by crate (raw bytes, names stripped)');
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`${String(v).padStart(8)} B  ${(100 * v / shipped).toFixed(1).padStart(5)} %  ${k}`);
EOF
