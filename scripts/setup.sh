#!/usr/bin/env bash
# Installs everything this project needs on a Debian 12 machine (root, or sudo-less
# root-equivalent in CI), skipping whatever is already present at the right version.
# Idempotent; when everything is installed it only checks and takes a few seconds.
#
#   ./scripts/setup.sh            # install / verify
#   SETUP_SKIP_APT=1 ...           # don't touch apt (e.g. not root); fail if missing
#   SETUP_CHECK_ONLY=1 ...         # install nothing: list what is missing, exit 1 if anything is
#
# What it installs (pinned versions, see docs/testing.md):
#   - rustup target wasm32-unknown-unknown, clippy; nightly's rust-src (the release wasm)
#   - wasm-bindgen-cli = the wasm-bindgen version in Cargo.lock
#   - trunk 0.21.14 (--locked: newer lightningcss breaks an unlocked build)
#   - twiggy 0.8.0 (the wasm's biggest items, for scripts/size-report.sh)
#   - Debian packages: chromium chromium-driver curl (nodejs npm if node is missing)
#   - tests/e2e npm packages (npm ci): playwright-core, binaryen 132 (wasm-opt), esbuild and terser (release minify; esbuild also for the package test), typescript, vite, webpack and react (the package test)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
TWIGGY_VERSION="0.8.0"
BINARYEN_MAJOR="132"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# cargo-installed tools live here; the npm-local wasm-opt must win over any other one.
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

SUDO=""
if [ "$(id -u)" -ne 0 ] && have sudo; then SUDO="sudo"; fi

start=$(date +%s)
CHECK_ONLY="${SETUP_CHECK_ONLY:-0}"
MISSING=()
# run "$@" unless in check-only mode, where the step is only recorded as missing
need_install() {
  if [ "$CHECK_ONLY" = 1 ]; then MISSING+=("$1"); log "missing: $1"; return 1; fi
  return 0
}

# ---------------------------------------------------------------- Debian packages
apt_missing=()
dpkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in chromium chromium-driver curl; do dpkg_ok "$p" || apt_missing+=("$p"); done
if ! have node || ! have npm; then apt_missing+=(nodejs npm); fi
if [ ${#apt_missing[@]} -gt 0 ] && need_install "apt: ${apt_missing[*]}"; then
  [ "${SETUP_SKIP_APT:-0}" = 1 ] && die "missing Debian packages: ${apt_missing[*]} (SETUP_SKIP_APT=1)"
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get install -y ${apt_missing[*]}"
  # Only refresh the package lists when there are none, or when the install fails.
  if ! compgen -G "/var/lib/apt/lists/*_Packages" >/dev/null; then
    log "apt-get update (no package lists yet)"
    $SUDO apt-get update -q
  fi
  if ! $SUDO apt-get install -y -q "${apt_missing[@]}"; then
    log "apt-get install failed; apt-get update and retry"
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q "${apt_missing[@]}"
  fi
elif [ ${#apt_missing[@]} -eq 0 ]; then
  log "ok: chromium chromium-driver curl node (Debian packages present)"
fi
if [ "$CHECK_ONLY" != 1 ]; then
  have chromium || die "chromium not on PATH after install"
  have chromedriver || die "chromedriver not on PATH after install"
fi

# ---------------------------------------------------------------- Rust target + clippy
have cargo || die "cargo not found: this machine kind ships Rust via rustup"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "ok: rustup target wasm32-unknown-unknown"
elif need_install "rustup target wasm32-unknown-unknown"; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if cargo clippy --version >/dev/null 2>&1; then
  log "ok: clippy"
elif need_install "clippy"; then
  log "rustup component add clippy"
  rustup component add clippy
fi

# ---------------------------------------------------------------- nightly for the release wasm
# scripts/release-env.sh builds the release wasm with nightly's build-std and
# -Cpanic=immediate-abort (13.7 kB gzip less), which need nightly and its
# rust-src. This machine kind ships a nightly; install one only if missing.
if ! rustup run nightly rustc -V >/dev/null 2>&1; then
  if need_install "rustup toolchain nightly"; then
    log "rustup toolchain install nightly --profile minimal"
    rustup toolchain install nightly --profile minimal --component rust-src
  fi
fi
if rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  log "ok: nightly rust-src ($(rustup run nightly rustc -V 2>/dev/null))"
elif need_install "rustup component rust-src (nightly)"; then
  log "rustup component add rust-src --toolchain nightly"
  rustup component add rust-src --toolchain nightly
fi
# build-std resolves std's own dependencies (dlmalloc, wasip1, ...) from the
# registry, and scripts/build.sh builds --offline: on a machine whose cargo
# cache has never seen them the release build fails ("no matching package
# named `wasip1`"). Fetching with the release environment caches them.
if [ "$CHECK_ONLY" != 1 ]; then
  log "cargo fetch with build-std (the release wasm's std dependencies)"
  (. "$ROOT/scripts/release-env.sh" && cargo fetch --quiet && cargo fetch --quiet --target wasm32-unknown-unknown)
fi

# ---------------------------------------------------------------- wasm-bindgen-cli
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock 2>/dev/null || true)"
[ -n "$WBG_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"
have_wbg=""
if have wasm-bindgen; then have_wbg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"; fi
if [ "$have_wbg" = "$WBG_VERSION" ] && have wasm-bindgen-test-runner; then
  log "ok: wasm-bindgen-cli $WBG_VERSION"
elif need_install "wasm-bindgen-cli $WBG_VERSION (have ${have_wbg:-none})"; then
  log "cargo install wasm-bindgen-cli --version $WBG_VERSION (have: ${have_wbg:-none}; takes ~4 min)"
  if ! cargo install wasm-bindgen-cli --version "$WBG_VERSION" --locked --force; then
    log "--locked install failed (registry index lag?); retrying without --locked"
    cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
  fi
fi

# ---------------------------------------------------------------- trunk, twiggy
# cargo_tool NAME VERSION MINUTES: `cargo install NAME --version VERSION --locked`
# unless NAME --version already prints that version (its second word).
cargo_tool() {
  local name="$1" version="$2" minutes="$3" have_version=""
  if have "$name"; then have_version="$("$name" --version 2>/dev/null | awk '{print $2}')"; fi
  if [ "$have_version" = "$version" ]; then
    log "ok: $name $version"
  elif need_install "$name $version (have ${have_version:-none})"; then
    log "cargo install $name --version $version --locked (have: ${have_version:-none}; takes ~$minutes min)"
    cargo install "$name" --version "$version" --locked --force
  fi
}
cargo_tool trunk "$TRUNK_VERSION" 10
cargo_tool twiggy "$TWIGGY_VERSION" 3

# ---------------------------------------------------------------- npm: playwright-core + binaryen (wasm-opt)
E2E="$ROOT/tests/e2e"
stamp="$E2E/node_modules/.setup-stamp"
want_stamp="$(sha256sum "$E2E/package-lock.json" | cut -d' ' -f1) $(node --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -x "$E2E/node_modules/.bin/wasm-opt" ]; then
  log "ok: tests/e2e node_modules (package-lock.json unchanged)"
elif need_install "npm ci in tests/e2e"; then
  log "npm ci in tests/e2e (playwright-core, binaryen@$BINARYEN_MAJOR, esbuild, terser, typescript, vite, webpack, react)"
  (cd "$E2E" && npm ci --no-audit --no-fund)
  echo "$want_stamp" > "$stamp"
fi
if [ "$CHECK_ONLY" = 1 ]; then
  if [ ${#MISSING[@]} -gt 0 ]; then log "check only: missing ${#MISSING[@]} item(s)"; exit 1; fi
  log "check only: everything is installed"
fi
wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
case "$wasm_opt_version" in
  *"version $BINARYEN_MAJOR"*|*"version_$BINARYEN_MAJOR"*) log "ok: wasm-opt $BINARYEN_MAJOR ($(command -v wasm-opt))" ;;
  *) die "wasm-opt on PATH is '$wasm_opt_version', want binaryen $BINARYEN_MAJOR" ;;
esac

log "done in $(( $(date +%s) - start )) s. Tools: $(wasm-bindgen --version), $(trunk --version), $(chromium --version 2>/dev/null | head -n1)"
log "for manual trunk builds put the project wasm-opt first: export PATH=\"$ROOT/tests/e2e/node_modules/.bin:\$PATH\""
