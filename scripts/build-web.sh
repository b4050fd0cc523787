#!/usr/bin/env bash
# Builds the web UI into web/dist (served by the api worker as static assets).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rm -rf "$root/web/dist"
mkdir -p "$root/web/dist"
cp -R "$root/web/public/." "$root/web/dist/"
