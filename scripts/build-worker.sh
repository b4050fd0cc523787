#!/usr/bin/env bash
# Builds one worker's wasm bundle (<dir>/build/), unless it is already newer than every source it
# depends on. Used by `make build` and by each wrangler.toml's [build]. The deployables are
# workers/<name>; the bench-only floor worker is bench/floor.
set -euo pipefail
name=${1:?usage: build-worker.sh <api|stream|cron|queue-consumer|floor>}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
case "$name" in
  floor) dir="bench/$name" ;;
  *) dir="workers/$name" ;;
esac
out="$dir/build/index.js"
if [ -f "$out" ] && [ -z "$(find Cargo.toml Cargo.lock crates "$dir/src" "$dir/Cargo.toml" -type f -newer "$out" -print -quit)" ]; then
  exit 0
fi
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
echo "building $name worker" >&2
# The output is dated when the build started, not when it ended: a source edited while the
# build ran is then newer than the output, and the next run builds again instead of skipping.
started=$(mktemp)
trap 'rm -f "$started"' EXIT
worker-build --release "$dir" >&2
touch -r "$started" "$out"
