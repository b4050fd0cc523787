#!/usr/bin/env bash
# Installs what building, running and testing the workers needs, at pinned versions, only when
# missing: the wasm32 target, worker-build, wasm-bindgen-cli (the version Cargo.lock resolves),
# the npm packages (wrangler) from package-lock.json, and the document tools the tests use.
# Safe to run again: it then does nothing. `install-tools.sh bench` also installs what only
# `make bench` uses (twiggy, for the per-crate wasm breakdown); `make test` never needs it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

WORKER_BUILD_VERSION=0.8.7
TWIGGY_VERSION=0.8.0
# wasm-bindgen-cli must match the wasm-bindgen library exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

say() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

version_of() { "$1" --version 2>/dev/null | awk '{ print $NF }'; }

if [ "$(version_of worker-build)" != "$WORKER_BUILD_VERSION" ]; then
  say "installing worker-build $WORKER_BUILD_VERSION (a few minutes, once)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION"
fi

if [ "$(version_of wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # Not --locked: its lockfile pins a crate version the registry mirror does not serve.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# What the tests drive or read with: pdftotext (poppler-utils) reads exported PDFs back, xmllint
# (libxml2-utils) validates SCORM manifests, headless Chromium runs SCORM packages (and, later,
# the UI). Debian packages; needs root (or sudo).
if ! command -v pdftotext >/dev/null || ! command -v xmllint >/dev/null || [ ! -x /usr/bin/chromium ]; then
  say "installing poppler-utils, libxml2-utils and chromium (apt)"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq poppler-utils libxml2-utils chromium >/dev/null
fi

# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (wrangler) from package-lock.json"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "bench" ] && [ "$(version_of twiggy)" != "$TWIGGY_VERSION" ]; then
  say "installing twiggy $TWIGGY_VERSION for make bench (a minute or two, once)"
  cargo install twiggy --version "$TWIGGY_VERSION"
fi
