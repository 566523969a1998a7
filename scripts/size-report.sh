#!/usr/bin/env bash
# What the release widget costs every customer, and where the bytes are:
#
#   ./scripts/size-report.sh                # scripts/build.sh first
#   ./scripts/size-report.sh --skip-build   # report on dist/ as it is
#
# Prints each widget file (the wasm, its JS module and snippets, the widget
# stylesheet: the files tests/e2e/bundle.test.mjs budgets) raw, gzip -9 (the
# bundle test's measure) and brotli -q 11, both by node's zlib; wasm, JS and
# CSS apart, and the total. Then the wasm's 20 biggest items and its weight
# per crate (and per module of this crate), measured with twiggy on the same
# build with its names kept (dist/'s wasm has none) and its imports renamed as
# scripts/minify.mjs renames dist/'s; without its names that build is as big
# as dist/'s wasm to the byte, and the report says so when it is not.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

case "${1:-}" in
  "") log="$(mktemp)"
      ./scripts/build.sh >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "size-report.sh: scripts/build.sh failed" >&2; exit 1; }
      rm -f "$log" ;;
  --skip-build) ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
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

# The same wasm with its names: trunk's cargo build (scripts/release-env.sh), wasm-bindgen (with
# trunk's --out-name), wasm-opt with index.html's flags and --debuginfo (which
# keeps the names), then minify.mjs's function order (keeping the names) and
# import renaming (which keeps the name section: twiggy still shows the
# imports' wasm-bindgen names).
NAMED="$(mktemp -d)"
trap 'rm -rf "$NAMED"' EXIT
RELEASE_WASM="$(
  # shellcheck source=scripts/release-env.sh
  . scripts/release-env.sh
  cargo build --release --target wasm32-unknown-unknown --lib -p kyc-upload --quiet
  echo "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/kyc_upload.wasm"
)"
wasm-bindgen --target web --out-name kyc-upload --out-dir "$NAMED" "$RELEASE_WASM"
level="$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html)"
params="$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)"
# shellcheck disable=SC2086
wasm-opt "-O${level:-z}" $params --debuginfo "$NAMED/kyc-upload_bg.wasm" -o "$NAMED/opt.wasm"
node --input-type=module - "$NAMED/opt.wasm" "$NAMED/named.wasm" <<'EOF'
import fs from 'node:fs';
import { shortenWasmExports, shortenWasmImports } from './scripts/wasm-imports.mjs';
import { orderFunctions } from './scripts/wasm-order.mjs';
const [, , from, to] = process.argv;
const ordered = orderFunctions(fs.readFileSync(from), { keepNames: true });
fs.writeFileSync(to, shortenWasmExports(shortenWasmImports(ordered, './kyc-upload_bg.js').wasm).wasm);
EOF
twiggy top -n 100000 --format json "$NAMED/named.wasm" > "$NAMED/top.json"

node - "$NAMED/top.json" "$(stat -c %s dist/kyc-upload_bg.wasm)" <<'EOF'
const fs = require('node:fs');
const [, , json, distBytes] = process.argv;
// --debuginfo keeps the name section ("function names", "data names"...
// subsections), which dist/'s wasm does not ship; everything else is shipped
// (the import section with the short names, as dist/'s).
const items = JSON.parse(fs.readFileSync(json, 'utf8'))
  // nightly's v0 mangling names a crate `yew[4c6e80703352369d]`: drop the hash
  .map((i) => ({ name: i.name.replace(/\[[0-9a-f]{8,}\]/g, ''), bytes: i.shallow_size }))
  .filter((i) => !/^"[^"]*" subsection$|^custom section 'name' headers$/.test(i.name));
const shipped = items.reduce((n, i) => n + i.bytes, 0);
const off = shipped - Number(distBytes);
const short = (s) => (s.length > 110 ? `${s.slice(0, 107)}...` : s);
console.log(`\nwasm: the 20 biggest items (twiggy top on the same build with names kept: ${shipped} B without them, dist/'s wasm ${distBytes} B)`);
if (Math.abs(off) > 64) console.log(`  (${off} B off dist/'s wasm: dist/ is older than the sources; run without --skip-build)`);
for (const i of [...items].sort((a, b) => b.bytes - a.bytes).slice(0, 20)) console.log(`${String(i.bytes).padStart(8)} B  ${short(i.name)}`);

// Per crate: the crate of the item's path. Drop glue counts for the type it
// drops; `<X as Trait>::f` for X's crate when X is a path, else for the
// trait's (`<char as core::fmt::Debug>::fmt` is core's). A generic counts
// for the crate that defines it: yew's component lifecycle holds the
// components' `view`s, inlined.
const crateOfPath = (p) => {
  const m = p.replace(/^(&(mut )?|\*(const|mut) |dyn |\[)+/, '').match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  return m ? m[1] : null;
};
const crateOf = (name) => {
  if (name.startsWith('data segment')) return '(data segments: strings, tables)';
  if (/^code\[\d+\]$/.test(name)) return '(functions without a name)';
  if (/ section headers$|^custom section /.test(name)) return '(section headers)';
  if (/^(import|export) |^(elem|type|table|global|memory)\[|^__wbindgen|^__wbg_|^__externref|shim/.test(name)) {
    return '(wasm-bindgen glue: imports, exports, tables, shims)';
  }
  let n = name;
  const drop = n.match(/^core(\[[0-9a-f]+\])?::ptr::drop_in_place<(.*)>::h[0-9a-f]+$/);
  if (drop) n = drop[2];
  for (let guard = 0; n.startsWith('<') && guard < 8; guard++) {
    // <X as Y>::rest, with nested angle brackets
    let depth = 0;
    let as = -1;
    let end = -1;
    for (let k = 0; k < n.length && end < 0; k++) {
      if (n[k] === '<') depth++;
      else if (n[k] === '>' && --depth === 0) end = k;
      else if (depth === 1 && as < 0 && n.startsWith(' as ', k)) as = k;
    }
    if (end < 0) break;
    const self = n.slice(1, as < 0 ? end : as);
    if (crateOfPath(self) || as < 0) { n = self; break; }
    n = self.startsWith('<') ? self : n.slice(as + 4, end);
  }
  if (crateOfPath(n)) return crateOfPath(n);
  if (/^(str|char|bool|[iuf](8|16|32|64|128|size)|\[.*\]|\(.*\))$/.test(n)) return 'core'; // <str>::f
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) return '(unmangled: exports, compiler builtins)';
  return '(other)';
};
// kyc_upload by module: core, web::<module>, embed
const moduleOf = (name) => {
  const m = name.match(/kyc_upload::([a-z_]+)(::[a-z_]+)?/);
  return m ? `kyc_upload::${m[1]}${m[1] === 'web' ? m[2] ?? '' : ''}` : 'kyc_upload';
};
const by = new Map();
const ours = new Map();
const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
for (const i of items) {
  const c = crateOf(i.name);
  add(by, c, i.bytes);
  if (c === 'kyc_upload') add(ours, moduleOf(i.name), i.bytes);
}
const line = (v, k) => `${String(v).padStart(8)} B  ${(100 * v / shipped).toFixed(1).padStart(5)} %  ${k}`;
const desc = (map) => [...map].sort((a, b) => b[1] - a[1]);
console.log(`\nwasm by crate (of ${shipped} B)`);
const crates = desc(by);
for (const [k, v] of crates.filter(([, v]) => v >= 1000)) {
  console.log(line(v, k));
  if (k === 'kyc_upload') for (const [m, b] of desc(ours).filter(([, b]) => b >= 1000)) console.log(line(b, `  ${m}`));
}
const rest = crates.filter(([, v]) => v < 1000);
if (rest.length) console.log(line(rest.reduce((n, [, v]) => n + v, 0), `${rest.length} more, under 1 kB each: ${rest.map(([k]) => k).join(', ')}`));
EOF
