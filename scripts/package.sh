#!/usr/bin/env bash
# Builds the npm package of the widget:
#
#   ./scripts/package.sh [--skip-build] [--dist DIR] [--out DIR]
#
# 1. `scripts/build.sh --dist DIR` (trunk build --release) (default DIR: dist), unless
#    --skip-build is given and DIR already holds a build;
# 2. lays the package out in OUT (default target/npm/package): the ES module
#    (kyc-upload.js, which carries its snippets in a release build: the live
#    camera, the <kyc-upload> element code, the locale loader), its wasm, the
#    locale files (locales/<tag>.json), the
#    stylesheet, the side-effect entry `element.js`, the TypeScript
#    declarations (www/types/), a README for package users (www/package/) and a
#    package.json whose version is the one in Cargo.toml;
# 3. `npm pack` -> OUT/../kyc-upload-<version>.tgz (default
#    target/npm/kyc-upload-<version>.tgz) and prints its path last.
#
# The package has no dependencies. Install it in a host project with
# `npm install ./target/npm/kyc-upload-<version>.tgz`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

SKIP_BUILD=0
DIST="dist"
OUT="target/npm/package"
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1 ;;
    --dist) DIST="${2:?--dist needs a directory}"; shift ;;
    --out) OUT="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$DIST" in /*) ;; *) DIST="$ROOT/$DIST" ;; esac
case "$OUT" in /*) ;; *) OUT="$ROOT/$OUT" ;; esac

die() { echo "package.sh: $*" >&2; exit 1; }

if [ "$SKIP_BUILD" = 1 ] && [ -f "$DIST/kyc-upload.js" ] && [ -f "$DIST/kyc-upload_bg.wasm" ]; then
  echo "package.sh: using the build in $DIST (--skip-build)"
else
  [ "$SKIP_BUILD" = 1 ] && echo "package.sh: no build in $DIST, building it"
  ./scripts/build.sh --dist "$DIST"
fi

VERSION="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)"
LICENSE="$(sed -n 's/^license *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)"
[ -n "$VERSION" ] || die "no version in Cargo.toml"

# Bundlers (Vite, webpack) find the wasm through this exact pattern.
grep -q 'new URL("kyc-upload_bg.wasm",import.meta.url)' "$DIST/kyc-upload.js" \
  || grep -q "new URL('kyc-upload_bg.wasm', import.meta.url)" "$DIST/kyc-upload.js" \
  || die "$DIST/kyc-upload.js does not load its wasm with new URL('kyc-upload_bg.wasm', import.meta.url)"
[ -d "$DIST/snippets" ] && die "$DIST/snippets is there: not a release build (the release module carries its snippets)"
[ -d "$DIST/locales" ] || die "$DIST/locales is missing"
[ -f "$DIST/www/kyc-upload.css" ] || die "$DIST/www/kyc-upload.css is missing"

rm -rf "$OUT"
mkdir -p "$OUT"
cp "$DIST/kyc-upload.js" "$DIST/kyc-upload_bg.wasm" "$OUT/"
cp -R "$DIST/locales" "$OUT/locales"
cp "$DIST/www/kyc-upload.css" "$OUT/kyc-upload.css"
cp www/package/element.js "$OUT/element.js"
cp www/types/kyc-upload.d.ts www/types/element.d.ts "$OUT/"
sed "s/__VERSION__/$VERSION/g" www/package/README.md > "$OUT/README.md"

# sideEffects: the module registers <kyc-upload> when initialised, not when
# imported, so only element.js and the stylesheet are side effects.
cat > "$OUT/package.json" <<JSON
{
  "name": "kyc-upload",
  "version": "$VERSION",
  "description": "Document-upload widget for identity verification (KYC): Rust/WebAssembly, mount() or <kyc-upload>",
  "license": "$LICENSE",
  "type": "module",
  "main": "./kyc-upload.js",
  "module": "./kyc-upload.js",
  "types": "./kyc-upload.d.ts",
  "exports": {
    ".": {
      "types": "./kyc-upload.d.ts",
      "default": "./kyc-upload.js"
    },
    "./element": {
      "types": "./element.d.ts",
      "default": "./element.js"
    },
    "./style.css": "./kyc-upload.css",
    "./kyc-upload_bg.wasm": "./kyc-upload_bg.wasm",
    "./locales/*": "./locales/*",
    "./package.json": "./package.json"
  },
  "files": [
    "kyc-upload.js",
    "kyc-upload_bg.wasm",
    "kyc-upload.d.ts",
    "element.js",
    "element.d.ts",
    "kyc-upload.css",
    "locales/"
  ],
  "sideEffects": [
    "./element.js",
    "./kyc-upload.css"
  ],
  "keywords": ["kyc", "identity-verification", "upload", "webassembly", "custom-element"]
}
JSON

if grep -rq demo_secret "$OUT"; then die "a client secret ended up in the package"; fi

TGZ_DIR="$(dirname "$OUT")"
( cd "$OUT" && npm pack --pack-destination "$TGZ_DIR" --loglevel=warn >/dev/null )
TGZ="$TGZ_DIR/kyc-upload-$VERSION.tgz"
[ -f "$TGZ" ] || die "npm pack did not write $TGZ"
echo "package.sh: $(tar -tzf "$TGZ" | wc -l) files, $(wc -c < "$TGZ") bytes"
echo "$TGZ"
