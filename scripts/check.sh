#!/usr/bin/env bash
# Every check CI runs, in order, stopping at the first failure. `make test` installs the tools and
# then runs this; run it directly when the tools are already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Same shared target dir as the Makefile, so running this script by hand reuses CI's builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/perfspec/target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The e2e test serves dist/ under this sub-path, as GitHub Pages serves a project site.
E2E_PUBLIC_URL=/perfspec-learn/

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

timings=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  echo "--- $*"
  local start=$SECONDS
  if ! "$@"; then
    echo "=== FAILED: $name (after $((SECONDS - start)) s)"
    exit 1
  fi
  local took=$((SECONDS - start))
  timings+=("$(printf '%5d s  %s' "$took" "$name")")
  echo "=== ok: $name ($took s)"
}

# Keeps cargo test's own summary lines so the closing count below includes the Rust tests.
cargo_test() {
  cargo test --workspace --release 2>&1 | tee "$log_dir/cargo-test.log"
}

# Components in a real browser: wasm-bindgen-test drives headless Chromium through chromedriver.
wasm_test() {
  CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    cargo test --release --target wasm32-unknown-unknown -p perfspec-charts --test canvas 2>&1 |
    tee "$log_dir/wasm-test.log"
}

# Prettier's format (.prettierrc.json) and Node's syntax check over the JavaScript files given.
javascript() {
  prettier --check "$@" || return 1
  local file
  for file in "$@"; do
    node --check "$file" || return 1
  done
}

e2e() {
  test -x "$CARGO_TARGET_DIR/release/perfspec" || cargo build --release -p perfspec-cli
  node tests/e2e/run.mjs 2>&1 | tee "$log_dir/e2e.log"
}

step "tests read only the repository" bash scripts/self-contained.sh
step "rustfmt" cargo fmt --all -- --check
# The browser tests and benchmarks, and the worker's file reader: the engine worker starts it
# from a Blob URL at run time, so no build step would parse it.
step "JavaScript format and syntax" javascript tests/e2e/*.mjs src/worker/reader.js
step "clippy (native)" cargo clippy --workspace --all-targets --release -- -D warnings
step "cargo test (native)" cargo_test
step "clippy (wasm32, perfspec-web)" \
  cargo clippy --target wasm32-unknown-unknown -p perfspec-web --release --lib --bins --benches -- -D warnings
step "wasm tests in Chromium (wasm-bindgen-test)" wasm_test
step "trunk build (public url $E2E_PUBLIC_URL)" trunk build --release --public-url "$E2E_PUBLIC_URL"
# The e2e test compares the page's counts with the CLI's. Its binary is the one `cargo test` built
# for the CLI's own tests (a separate `cargo build -p perfspec-cli` would resolve features
# differently and rebuild the engine).
step "browser tests (tests/e2e)" e2e

echo
echo "=== timings"
printf '%s\n' "${timings[@]}"

# One closing count over both runners: cargo's "test result: ok. N passed; M failed; ..." lines
# (unit, integration and doc tests) and the e2e runner's "N passed, M failed" line.
read -r cargo_passed cargo_failed < <(awk '
  /^test result: / {
    for (i = 1; i <= NF; i++) {
      if ($(i) ~ /^passed;?$/) p += $(i - 1)
      if ($(i) ~ /^failed;?$/) f += $(i - 1)
    }
  }
  END { print p + 0, f + 0 }
' "$log_dir/cargo-test.log" "$log_dir/wasm-test.log")
read -r e2e_passed e2e_failed < <(
  awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 } END { print p + 0, f + 0 }' "$log_dir/e2e.log"
)
if [[ $e2e_passed -eq 0 ]]; then
  echo "the e2e runner reported no passed tests" >&2
  exit 1
fi
echo "cargo test (native and wasm): $cargo_passed passed, $cargo_failed failed; e2e: $e2e_passed passed, $e2e_failed failed"
echo "$((cargo_passed + e2e_passed)) passed, $((cargo_failed + e2e_failed)) failed"
