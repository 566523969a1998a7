#!/usr/bin/env bash
# The widget's release bundle, the one the demo, the tests and the npm package
# use:
#
#   ./scripts/build.sh [trunk build arguments, e.g. --dist DIR]
#
# `trunk build --release --offline` (the wasm-bindgen and wasm-opt that
# scripts/setup.sh installed, never a download) with the size settings of
# scripts/release-env.sh. `trunk serve` stays the quick debug loop.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# shellcheck source=scripts/release-env.sh
. "$ROOT/scripts/release-env.sh"
exec trunk build --release --offline "$@"
