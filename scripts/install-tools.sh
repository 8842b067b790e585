#!/usr/bin/env bash
# Installs what building and testing PerfSPEC Learn needs, and nothing that is already there.
#
#   scripts/install-tools.sh           wasm32 target, trunk, wasm-bindgen-cli, npm tools
#   scripts/install-tools.sh browser   the same, plus a browser and its driver (Debian's chromium
#                                      and chromedriver unless E2E_CHROMIUM / CHROMEDRIVER say)
#
# Written for a fresh Debian 12 machine that has rustup, cargo, node, npm and python3 and reaches
# no network but the package registries: every tool is built from crates.io or taken from npm or
# apt, never downloaded as a prebuilt binary (Trunk's own downloader cannot work here).
# Versions are the ones proven together on such a machine; ARCHITECTURE.md (Build) says why each.
set -euo pipefail

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen crate exactly, or Trunk rejects the output.
WASM_BINDGEN_FALLBACK=0.2.130

cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_browser=false
for arg in "$@"; do
  case "$arg" in
    browser) want_browser=true ;;
    *) echo "usage: $0 [browser]" >&2; exit 2 ;;
  esac
done

say() { echo "[install-tools] $*"; }

# A non-login shell on a fresh machine may not have cargo's bin dir on PATH yet.
if [[ -d "$HOME/.cargo/bin" && ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# Run as root on the dev/CI machines; use sudo elsewhere (e.g. a GitHub runner).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
  if [[ $apt_updated == false ]]; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=true
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# `cargo install` honours CARGO_TARGET_DIR, and the Makefile exports the shared workspace target
# dir: keep the tools' builds out of it, in a dir of their own that survives an interrupted run
# (a CI run stopped at its time limit resumes the half-built tool next time) and is removed once
# the tool is installed.
cargo_install() {
  local tool_target="$HOME/.cache/perfspec/install-target"
  CARGO_TARGET_DIR="$tool_target" cargo install "$@"
  rm -rf "$tool_target"
}

# cargo skips a tool it has already installed, so a stale copy earlier on PATH would survive the
# install unnoticed; say so instead of letting Trunk fail later.
require_version() {
  local tool=$1 want=$2 have
  have=$( ("$tool" --version 2>/dev/null || true) | awk '{print $2}')
  if [[ "$have" != "$want" ]]; then
    say "$tool on PATH ($(command -v "$tool" || echo none)) is ${have:-missing}, not $want" >&2
    exit 1
  fi
}

# --- C toolchain: trunk's dependencies (ring, zstd, bzip2, libdeflate) compile C code.
if ! command -v cc >/dev/null || ! command -v make >/dev/null || ! command -v pkg-config >/dev/null; then
  apt_install build-essential pkg-config
fi

# --- Rust target and components used by scripts/check.sh
if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep "^${component}" >/dev/null; then
    say "rustup component add $component"
    rustup component add "$component"
  fi
done

# --- trunk: 0.22 needs a newer rustc than this project's 1.95, so hold it at 0.21.14.
installed_trunk=$( (trunk --version 2>/dev/null || true) | awk '{print $2}')
if [[ "$installed_trunk" != "$TRUNK_VERSION" ]]; then
  say "cargo install trunk $TRUNK_VERSION (was: ${installed_trunk:-none}; 10-25 min on 2 cores)"
  cargo_install trunk --version "$TRUNK_VERSION" --locked
  require_version trunk "$TRUNK_VERSION"
else
  say "trunk $TRUNK_VERSION ok"
fi

# --- wasm-bindgen-cli at the version Cargo.lock resolved for the wasm-bindgen crate.
wasm_bindgen_version=""
if [[ -f Cargo.lock ]]; then
  wasm_bindgen_version=$(awk '
    /^\[\[package\]\]/ { in_wb = 0 }
    /^name = "wasm-bindgen"$/ { in_wb = 1; next }
    in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock)
fi
wasm_bindgen_version=${wasm_bindgen_version:-$WASM_BINDGEN_FALLBACK}
installed_wb=$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')
if [[ "$installed_wb" != "$wasm_bindgen_version" ]]; then
  # No --locked: the CLI's own lockfile pins a crate version this registry mirror lacks.
  say "cargo install wasm-bindgen-cli $wasm_bindgen_version (was: ${installed_wb:-none}; 8-12 min)"
  cargo_install wasm-bindgen-cli --version "$wasm_bindgen_version"
  require_version wasm-bindgen "$wasm_bindgen_version"
else
  say "wasm-bindgen $wasm_bindgen_version ok"
fi

# --- npm tools: binaryen's wasm-opt for Trunk (Debian's binaryen 108 breaks the module),
# playwright-core for tests/e2e and prettier for scripts/check.sh's JavaScript step. A stamp of
# package-lock.json's hash tells a stale node_modules.
lock_hash=$(sha256sum package-lock.json | awk '{print $1}')
stamp=node_modules/.perfspec-lock-sha256
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
else
  say "node_modules ok"
fi
if ! node_modules/.bin/wasm-opt --version | grep 'version 132' >/dev/null; then
  say "node_modules/.bin/wasm-opt is not binaryen 132" >&2
  exit 1
fi

# --- browser for tests/e2e (playwright-core) and the canvas tests (chromedriver); neither can
# download its own. Debian's chromium and chromedriver in /usr/bin unless E2E_CHROMIUM and
# CHROMEDRIVER, which tests/e2e/*.mjs and scripts/check.sh read too, name a browser and driver
# already there: CI points them at the Google Chrome that GitHub's Ubuntu runners ship, whose apt
# `chromium` is only a snap shim.
if [[ $want_browser == true ]]; then
  chromium=${E2E_CHROMIUM:-/usr/bin/chromium}
  chromedriver=${CHROMEDRIVER:-/usr/bin/chromedriver}
  if [[ -x "$chromium" && -x "$chromedriver" ]]; then
    say "browser ok: $chromium, $chromedriver"
  elif [[ -n "${E2E_CHROMIUM:-}${CHROMEDRIVER:-}" ]]; then
    say "E2E_CHROMIUM ($chromium) and CHROMEDRIVER ($chromedriver) must both be executables" >&2
    exit 1
  else
    apt_install chromium chromium-driver
  fi
fi

say "done"
