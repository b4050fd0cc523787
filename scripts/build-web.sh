#!/usr/bin/env bash
# Builds the web UI into web/dist (served by the api worker as static assets): type-checks the
# TypeScript, bundles and minifies it with esbuild, copies the static files, and prints what a
# first visit downloads.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin="$root/node_modules/.bin"
cd "$root"
"$bin/tsc" -p web
rm -rf web/dist
mkdir -p web/dist
"$bin/esbuild" web/src/main.tsx --bundle --minify --format=esm --target=es2022 --jsx=automatic --jsx-import-source=preact \
  --legal-comments=none --log-level=warning --outfile=web/dist/app.js
"$bin/esbuild" web/public/app.css --minify --log-level=warning --outfile=web/dist/app.css
cp web/public/index.html web/public/favicon.svg web/dist/
total=0
for file in web/dist/index.html web/dist/app.js web/dist/app.css; do
  total=$((total + $(gzip -9 -c "$file" | wc -c)))
done
echo "web UI: app.js $(wc -c < web/dist/app.js) B, app.css $(wc -c < web/dist/app.css) B; first load $total B gzipped"
