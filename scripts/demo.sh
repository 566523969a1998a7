#!/usr/bin/env bash
# The one command that runs the demo:
#
#   ./scripts/demo.sh          then open http://127.0.0.1:8790/
#
# Installs what is missing (scripts/setup.sh), builds the widget's release bundle
# (scripts/build.sh -> dist/), and runs the sandbox serving the demo page from
# dist/ (API 127.0.0.1:8787, storage 127.0.0.1:8788, demo host 127.0.0.1:8790).
# Ctrl-C stops it. Extra arguments go to the sandbox (e.g. --review-delay 10).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

./scripts/setup.sh
echo "==> scripts/build.sh (trunk build --release)"
./scripts/build.sh
echo "==> cargo build --release -p kyc-sandbox"
CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=2 \
  cargo build --release -p kyc-sandbox

DATA="$(mktemp -d "${TMPDIR:-/tmp}/kyc-demo.XXXXXX")"
"${CARGO_TARGET_DIR:-$ROOT/target}/release/kyc-sandbox" --data-dir "$DATA" --demo-dir "$ROOT/dist" "$@" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DATA"' EXIT INT TERM
for _ in $(seq 1 120); do
  if curl -sf -o /dev/null http://127.0.0.1:8790/; then break; fi
  kill -0 "$PID" 2>/dev/null || { echo "the sandbox exited" >&2; exit 1; }
  sleep 0.25
done
echo
echo "Open http://127.0.0.1:8790/"
echo "(baseline page: http://127.0.0.1:8790/www/baseline.html; Ctrl-C to stop)"
wait "$PID"
