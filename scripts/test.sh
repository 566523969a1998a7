#!/usr/bin/env bash
# THE one command that runs every test of kyc-upload:
#
#   ./scripts/test.sh
#
# Layers, in order (docs/testing.md explains each):
#   1. setup        scripts/setup.sh (installs what is missing; ~2 s when all is there)
#   2. host tests   cargo test --workspace            (pure core + sandbox)
#   3. clippy       host --workspace --all-targets, and wasm32 for the widget crate;
#                   then yew's own browser tests on the vendored copy (scripts/test-vendor.sh)
#   4. build        scripts/build.sh (trunk build --release) -> dist/, scripts/package.sh --skip-build -> target/npm/,
#                   the Rust host example (examples/yew-host -> target/yew-host-dist/), the crate's
#                   docs (cargo doc, warnings denied), and the sandbox in release
#   5. sandbox      started with --admin --demo-dir dist (stopped on exit, whatever happens)
#   6. browser      cargo test --target wasm32-unknown-unknown (wasm-bindgen-test in headless
#                   Chromium, page on 127.0.0.1:8791; some tests use the sandbox)
#   7. e2e          node --test tests/e2e (playwright-core, headless Chromium)
#   8. bench        scripts/bench-flow.mjs (loopback, then every request 20 ms slower) and scripts/bench-camera.mjs once (print figures, never fail the run)
#
# Environment:
#   FAULT_FLOWS=40      length of the seeded fault-injection suite (full run: 200)
#   FAULT_SEED=N        replay one fault flow (see docs/testing.md)
#   E2E_ONLY=1          skip host tests, clippy and browser tests (still builds and runs e2e)
#   SKIP_BENCH=1        don't run the benchmark at the end
#   E2E_FILES="a.test.mjs b.test.mjs"   run only these e2e files
#   KYC_API_ADDR / KYC_STORAGE_ADDR / KYC_DEMO_ADDR  sandbox addresses (defaults 127.0.0.1:8787/8788/8790)
#   E2E_PACKAGE_PORT=8792  port of package.test.mjs's host pages (the sandbox allows that origin)
# Exits non-zero if anything failed; the last line is "total: N passed, N failed".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/tests/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export FAULT_FLOWS="${FAULT_FLOWS:-40}"
export KYC_API_ADDR="${KYC_API_ADDR:-127.0.0.1:8787}"
export KYC_STORAGE_ADDR="${KYC_STORAGE_ADDR:-127.0.0.1:8788}"
export KYC_DEMO_ADDR="${KYC_DEMO_ADDR:-127.0.0.1:8790}"
export WBT_ADDR="${WASM_BINDGEN_TEST_ADDRESS:-127.0.0.1:8791}"   # browser tests' page (CORS-allowed)
export E2E_PACKAGE_PORT="${E2E_PACKAGE_PORT:-8792}"   # package.test.mjs's host pages on 127.0.0.1 (CORS-allowed)
export E2E_API="http://$KYC_API_ADDR"
export E2E_STORAGE="http://$KYC_STORAGE_ADDR"
export E2E_DEMO="http://$KYC_DEMO_ADDR"
export E2E_DIST="$ROOT/dist"
export E2E_PHOTOS="${E2E_PHOTOS:-$ROOT/../shared/fixtures/photos}"

LOGS="$ROOT/target/test-logs"
mkdir -p "$LOGS"
T0=$(date +%s)
PASSED=0
FAILED=0
STEP_RESULTS=()
SANDBOX_PID=""
SANDBOX_DATA=""

say() { printf '\n==> [%s +%ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - T0 ))" "$*"; }

cleanup() {
  if [ -n "$SANDBOX_PID" ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
    kill "$SANDBOX_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SANDBOX_PID" 2>/dev/null || true
  fi
  SANDBOX_PID=""
  if [ -n "$SANDBOX_DATA" ]; then rm -rf "$SANDBOX_DATA"; SANDBOX_DATA=""; fi
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT TERM

# Add up "test result: ok. N passed; M failed" (cargo, wasm-bindgen-test-runner).
count_cargo() {
  local log="$1" p f
  p=$(grep -aoE 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -aoE 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$6} END {print s+0}')
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  LINE="$p passed, $f failed"
}

# step NAME LOGFILE CMD...: run, tee to a log, record the result. Returns the exit code.
step() {
  local name="$1" log="$2"; shift 2
  say "$name: $*"
  local s=$(date +%s)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local dt=$(( $(date +%s) - s ))
  if [ "$rc" -eq 0 ]; then STEP_RESULTS+=("ok    ${dt}s  $name")
  else STEP_RESULTS+=("FAIL  ${dt}s  $name (exit $rc, log: ${log#"$ROOT"/})"); fi
  return "$rc"
}

# A step that is not itself a test runner (clippy, builds) counts as one test.
count_step() { if [ "$1" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi; }

# The failed tests' names and first lines, printed with the summary at the
# very end of the output, so a reader of the run's last lines sees why (the
# whole logs are in target/test-logs/).
failure_digest() {
  local log
  for log in "$LOGS/host-tests.log" "$LOGS/vendor-tests.log" "$LOGS/wasm-tests.log"; do
    [ -f "$log" ] || continue
    grep -aE -A4 "^---- .* (stdout|output) ----$" "$log" | grep -avE '^(--$|note: run with)' | cut -c1-300 | head -n 24
  done
  if [ -f "$LOGS/e2e.tap" ]; then
    # node's TAP: "not ok N - name", then a YAML block whose `error: |-`
    # holds the message, indented.
    awk '
      /^ *not ok [0-9]+ - / { sub(/^ */, ""); print; want = 1; shown = 0; next }
      want && /^ *error: / { grab = 1; line = $0; sub(/^ *error: *(\|-)? */, "", line); if (line != "") { print "    " line; shown++ } ; next }
      grab && /^ *(code|name|expected|actual|operator|stack|failureType|location|duration_ms):/ { grab = 0; want = 0; next }
      grab && shown < 8 { line = $0; sub(/^ */, "", line); print "    " line; shown++ }
    ' "$LOGS/e2e.tap" | cut -c1-300 | head -n 40
  fi
}

finish() {
  if [ "$FAILED" -ne 0 ]; then
    say "failed tests (first lines; whole logs in target/test-logs/)"
    failure_digest
  fi
  say "summary"
  local r
  for r in "${STEP_RESULTS[@]}"; do echo "  $r"; done
  echo "  wall time: $(( $(date +%s) - T0 )) s"
  [ -n "${E2E_LINE:-}" ] && echo "e2e: $E2E_LINE"
  echo "total: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && [ "${FATAL:-0}" -eq 0 ]
  exit $?
}

# ------------------------------------------------------------------ 1. setup
if ! step "setup" "$LOGS/setup.log" ./scripts/setup.sh; then
  FAILED=$((FAILED + 1)); FATAL=1; finish
fi

# ------------------------------------------------------------------ 2-3. host tests, clippy
if [ "${E2E_ONLY:-0}" != 1 ]; then
  step "host tests (cargo test --workspace)" "$LOGS/host-tests.log" cargo test --workspace --no-fail-fast
  rc=$?; count_cargo "$LOGS/host-tests.log"; line=$LINE
  STEP_RESULTS[-1]="${STEP_RESULTS[-1]}  [$line]"
  if [ "$rc" -ne 0 ] && [[ "$line" == *" 0 failed" ]]; then FAILED=$((FAILED + 1)); fi  # build error

  step "clippy host" "$LOGS/clippy-host.log" cargo clippy --workspace --all-targets -- -D warnings
  count_step $?
  step "clippy wasm32" "$LOGS/clippy-wasm.log" \
    cargo clippy -p kyc-upload --target wasm32-unknown-unknown --lib --tests -- -D warnings
  count_step $?

  # The widget is built with a vendored yew changed for size (vendor/README.md):
  # yew's own browser tests run on that copy.
  step "yew's own browser tests on vendor/yew (scripts/test-vendor.sh)" "$LOGS/vendor-tests.log" ./scripts/test-vendor.sh
  rc=$?; count_cargo "$LOGS/vendor-tests.log"; line=$LINE
  STEP_RESULTS[-1]="${STEP_RESULTS[-1]}  [$line]"
  if [ "$rc" -ne 0 ] && [[ "$line" == *" 0 failed" ]]; then FAILED=$((FAILED + 1)); fi

fi

# ------------------------------------------------------------------ 5. release builds
step "release bundle (scripts/build.sh: trunk build --release)" "$LOGS/trunk.log" ./scripts/build.sh
build_rc=$?; count_step $build_rc
if [ "$build_rc" -eq 0 ]; then
  say "bundle in dist/"
  ls -l dist/ | sed 's/^/  /'
  # The npm package of that build: target/npm/kyc-upload-<version>.tgz.
  step "npm package (scripts/package.sh --skip-build)" "$LOGS/package.log" ./scripts/package.sh --skip-build
  count_step $?
fi
# The Rust (Yew) host example, which yew-host.test.mjs loads; and the docs,
# whose front page shows that example.
step "trunk build --release (examples/yew-host)" "$LOGS/yew-host.log" \
  bash -c 'cd examples/yew-host && trunk build --release --offline'
count_step $?
step "cargo doc (wasm32, warnings denied)" "$LOGS/doc.log" \
  env RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps -p kyc-upload --target wasm32-unknown-unknown
count_step $?

# The sandbox is built once, in release. The root [profile.release] is tuned for a
# small wasm (fat LTO, opt-level z); for the host server that only costs build time.
step "sandbox build (release)" "$LOGS/sandbox-build.log" \
  env CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_PROFILE_RELEASE_OPT_LEVEL=2 \
  cargo build --release -p kyc-sandbox
sb_rc=$?; count_step $sb_rc

# ------------------------------------------------------------------ 6. sandbox + e2e
port_busy() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

start_sandbox() {
  local a
  for a in "$KYC_API_ADDR" "$KYC_STORAGE_ADDR" "$KYC_DEMO_ADDR" "$WBT_ADDR" "127.0.0.1:$E2E_PACKAGE_PORT"; do
    if port_busy "$a"; then
      echo "address $a is already in use (a sandbox or demo still running?); stop it or set KYC_*_ADDR" >&2
      return 1
    fi
  done
  SANDBOX_DATA="$(mktemp -d "${TMPDIR:-/tmp}/kyc-sandbox.XXXXXX")"
  local bin="${CARGO_TARGET_DIR:-$ROOT/target}/release/kyc-sandbox"
  "$bin" --admin --data-dir "$SANDBOX_DATA" --demo-dir "$ROOT/dist" \
    --api-addr "$KYC_API_ADDR" --storage-addr "$KYC_STORAGE_ADDR" --demo-addr "$KYC_DEMO_ADDR" \
    --allow-origin "$E2E_DEMO" --allow-origin "http://localhost:${KYC_DEMO_ADDR##*:}" \
    --allow-origin "http://$WBT_ADDR" --allow-origin "http://127.0.0.1:$E2E_PACKAGE_PORT" --review-delay 0.5 \
    >"$LOGS/sandbox.log" 2>&1 &
  SANDBOX_PID=$!
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
      echo "sandbox exited early:" >&2; tail -n 30 "$LOGS/sandbox.log" >&2; SANDBOX_PID=""; return 1
    fi
    if curl -sf -o /dev/null "$E2E_API/_sandbox/events?since=0" && curl -sf -o /dev/null "$E2E_DEMO/"; then
      echo "sandbox ready after $((i / 4)).$(( (i % 4) * 25 ))s (pid $SANDBOX_PID; api $E2E_API, storage $E2E_STORAGE, demo $E2E_DEMO; log target/test-logs/sandbox.log)"
      return 0
    fi
    sleep 0.25
  done
  echo "sandbox not ready after 30 s" >&2; tail -n 30 "$LOGS/sandbox.log" >&2
  return 1
}

run_e2e() {
  cd "$ROOT/tests/e2e" || return 1
  local files
  if [ -n "${E2E_FILES:-}" ]; then files=$E2E_FILES; else files=$(ls ./*.test.mjs); fi
  # spec to the terminal, TAP to a file for the counts.
  # shellcheck disable=SC2086
  node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$LOGS/e2e.tap" \
    $files
}

E2E_LINE=""
if [ "$build_rc" -eq 0 ] && [ "$sb_rc" -eq 0 ]; then
  rm -f "$LOGS/bundle-sizes.txt" "$LOGS/faults-report.txt" "$LOGS/faults-report.json" "$LOGS/e2e.tap"
  say "start sandbox"
  if start_sandbox; then   # not through step(): it must run in this shell to keep the pid
    STEP_RESULTS+=("ok          start sandbox")
    if [ "${E2E_ONLY:-0}" != 1 ]; then
      # Some browser tests talk to the sandbox; their page is served by
      # wasm-bindgen-test-runner on a fixed address the sandbox allows (CORS).
      step "browser tests (wasm-bindgen-test, headless Chromium)" "$LOGS/wasm-tests.log" \
        env CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
            WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}" \
            WASM_BINDGEN_TEST_ADDRESS="$WBT_ADDR" \
        cargo test -p kyc-upload --target wasm32-unknown-unknown --lib --tests --no-fail-fast
      rc=$?; count_cargo "$LOGS/wasm-tests.log"; line=$LINE
      STEP_RESULTS[-1]="${STEP_RESULTS[-1]}  [$line]"
      if [ "$rc" -ne 0 ] && [[ "$line" == *" 0 failed" ]]; then FAILED=$((FAILED + 1)); fi
      curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"rules":[]}' "$E2E_API/_sandbox/faults" || true
    fi
    step "e2e (node --test tests/e2e, FAULT_FLOWS=$FAULT_FLOWS)" "$LOGS/e2e.log" run_e2e
    e2e_rc=$?
    p=$(grep -aE '^# pass [0-9]+' "$LOGS/e2e.tap" 2>/dev/null | tail -n1 | awk '{print $3}')
    f=$(grep -aE '^# fail [0-9]+' "$LOGS/e2e.tap" 2>/dev/null | tail -n1 | awk '{print $3}')
    p=${p:-0}; f=${f:-0}
    if [ "$e2e_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
    E2E_LINE="$p passed, $f failed"
    STEP_RESULTS[-1]="${STEP_RESULTS[-1]}  [$E2E_LINE]"
    for rep in bundle-sizes.txt faults-report.txt; do
      [ -f "$LOGS/$rep" ] && { echo; cat "$LOGS/$rep"; }
    done

    # ---------------------------------------------------------------- 7. bench (informational)
    if [ "${SKIP_BENCH:-0}" != 1 ]; then
      say "bench: node scripts/bench-flow.mjs (informational, never fails the run)"
      node "$ROOT/scripts/bench-flow.mjs" 2>&1 | tee "$LOGS/bench.log" \
        || echo "bench did not complete (ignored)"
      say "bench: BENCH_LATENCY_MS=20 node scripts/bench-flow.mjs (a server across a network; informational)"
      BENCH_LATENCY_MS=20 node "$ROOT/scripts/bench-flow.mjs" 2>&1 | tee "$LOGS/bench-latency.log" \
        || echo "bench (latency) did not complete (ignored)"
      say "bench: node scripts/bench-camera.mjs (informational, never fails the run)"
      node "$ROOT/scripts/bench-camera.mjs" 2>&1 | tee "$LOGS/bench-camera.log" \
        || echo "bench-camera did not complete (ignored)"
    fi
  else
    STEP_RESULTS+=("FAIL        start sandbox (log: target/test-logs/sandbox.log)")
    FAILED=$((FAILED + 1)); E2E_LINE="0 passed, 1 failed (sandbox did not start)"
  fi
  cleanup
else
  STEP_RESULTS+=("SKIP  e2e (build failed)")
  FAILED=$((FAILED + 1)); E2E_LINE="0 passed, 1 failed (not run: build failed)"
fi

finish
