# Sourced (never run) by scripts/build.sh and scripts/size-report.sh: how the
# release wasm is compiled. Every customer downloads it, so it is built for
# size with what only a nightly toolchain offers (scripts/setup.sh installs
# nightly's rust-src); debug builds and every test build stay on stable.
#
# - build-std: std, core and alloc are compiled with the crate's release
#   profile (opt-level z, fat LTO) instead of linked prebuilt (optimised for
#   speed), and with std's `optimize_for_size` feature (smaller sort and
#   formatting code paths);
# - -Cpanic=immediate-abort: a panic traps at once, so no panic message,
#   location or formatting machinery is linked (the release build had no
#   panic hook to show them anyway). A trap in the browser is still a bug:
#   the widget's code has no panicking path it means to take;
# - -Zfmt-debug=none, -Zlocation-detail=none: `{:?}` prints nothing and
#   no source locations are kept. The widget formats nothing with Debug
#   outside tests (which build on stable), so no text a customer or a host
#   sees changes;
# - -Ctarget-feature=-reference-types: JS values cross the boundary as
#   indices into the glue's object table instead of as externrefs, so
#   wasm-bindgen writes no externref shim per export and closure: wasm
#   -1,452 B gzip, JS glue +304 B (net -1.1 kB; measured side by side).
# - -Zinline-mir=yes -Zinline-mir-hint-threshold=50: rustc's MIR inliner,
#   which every opt-level 2 and 3 build runs but opt-level "z" leaves off,
#   with a lower bar for functions marked #[inline] (default 100). It
#   inlines small wrappers before monomorphisation, so each generic copy
#   carries less: wasm -2,340 B gzip (160,705 -> 158,365), raw -2.7 kB.
#   Measured side by side (gzip -9 of the wasm after wasm-opt): the
#   inliner with its defaults -578 B; hint threshold 75: -1,836 B, 60:
#   -2,402 B, 50: -2,340 B, 40: -2,297 B, 25: -1,630 B, 10: -2,171 B, 0:
#   -815 B; with 50, -Zinline-mir-threshold 25: -2,261 B, 100: -1,931 B
#   (default 50 kept). 50 is the middle of the 40-60 plateau, so a small
#   code change does not fall off an edge. Also measured and left out:
#   -Zmir-opt-level=3 -599 B (it only turns the inliner on, with less
#   tested passes besides), -Zmir-opt-level=1 +1,247 B, -Zshare-generics
#   and -Zinline-mir=no 0 B, -Zmerge-functions=trampolines +66 B,
#   -Zcross-crate-inline-threshold=never +1,740 B.
#   Measured again once wasm-opt kept one-caller functions whole
#   (index.html), gzip after the ordering against 139,390 B: the MIR
#   inliner off +2.6 kB, hint threshold 25 +1.7 kB, 100 +1.0 kB; LLVM's
#   -inline-threshold 0 +32 B, 50 +6.0 kB; -inline-instr-cost 15, 50, 200
#   +1.9, +3.2, +2.0 kB; -Zinline-llvm=no +14.0 kB; -jump-threading-
#   threshold=0 +1.6 kB; -tail-dup-size=0 0 B. All left out.
#
# Measured (gzip -9 of the wasm after wasm-opt, the same source, side by
# side): stable 165,909 B; build-std + immediate-abort 153,260 B (-12.6 kB);
# + optimize_for_size 152,231 B (-1.0 kB). Later, with the camera:
# fmt-debug and location-detail -1.1 kB (whole bundle 173,507 -> 172,433 B).
#
# Its own target directory, so a release build and a stable test build do not
# throw each other's artefacts away.
export RUSTUP_TOOLCHAIN=nightly
export CARGO_TARGET_DIR="${KYC_RELEASE_TARGET_DIR:-$ROOT/target/release-bundle}"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Ctarget-feature=-reference-types -Zinline-mir=yes -Zinline-mir-hint-threshold=50"
